// Package conformance holds the conformance suite of berth's fake cloud:
// it starts the fake provider plugins (internal/fakecloud/provider) and
// drives them over the provider gRPC protocol as the Pulumi engine does
// (Check, Create, Check with olds, Diff, Update or a replacement, Delete),
// and holds each answer to what the pinned providers answer, read in their
// source; every case cites the source it checks.
package conformance
