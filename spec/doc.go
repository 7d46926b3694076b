// Package spec is berth's cloud-neutral description of a stateless HTTP
// service: the words and units a service is described in once, whichever
// cloud runs it.
//
// A Service says what the service needs (port, CPU in vCPU, memory as a
// quantity, concurrency, instance counts, request timeout, health path,
// whether the internet may call it, environment and secrets). Every berth
// service component takes one: cloudrun.ServiceArgs, fargate.ServiceArgs and
// the cloud-neutral berth.ServiceArgs, each with the settings only its cloud
// has in a block of their own (gcp, aws). The zero value of every optional
// field takes the cloud's default; docs/parity.md lists, field by field,
// what each becomes on Cloud Run and on Fargate, its default there, and the
// values each cloud rejects.
//
// # Units
//
//   - CPU is in vCPU, as a number: 0.25, 0.5, 1, 2.
//   - Memory is a quantity: a whole number followed by Mi or Gi, "512Mi",
//     "2Gi".
//   - Durations are Go durations in whole seconds: "30s", "5m".
//
// Validation errors repeat values in these units, the way they were
// written, whatever unit the cloud's API takes.
//
// # Explicit zeros
//
// Optional numbers are pointers: nil takes the default, and an explicit
// zero is a value like any other, which the rules then accept or reject
// (a port of 0 is an error, not 8080). Optional strings and booleans take
// their default when empty or false.
//
// Resolve applies the defaults a cloud gives and checks the rules every
// cloud shares, recording problems under the field paths of the Service
// (`service.memory`, `service.secrets[1].env`). Each cloud's component then
// checks its own limits on the resolved values.
package spec
