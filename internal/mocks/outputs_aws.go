package mocks

// awsOutputs derives the IDs and computed outputs of the AWS resources berth
// creates.
var awsOutputs = map[string]typeOutputs{}
