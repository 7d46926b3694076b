// Package cloudrun runs a stateless HTTP container on Google Cloud Run (v2
// API) as one Pulumi component, `berth:cloudrun:Service`, with secure
// defaults.
//
// NewService validates every argument against Cloud Run's real limits before
// it registers anything, and reports all problems in one *validate.Error
// whose lines name the field (`cpu`, `secrets[1].path`,
// `vpc.connector.ipCidrRange`). Then it creates, as children of the
// component:
//
//   - NAME-sa: a dedicated service account (account ID of 6 to 30
//     characters derived from the component name) that holds no project
//     role;
//   - NAME-secret-KEY: one roles/secretmanager.secretAccessor binding on each
//     secret the service reads, and nothing project-wide;
//   - NAME-connector: a Serverless VPC Access connector, when asked;
//   - NAME-svc: the Cloud Run service, created after the secret bindings so
//     that its first revision can read its secrets;
//   - NAME-invoker-MEMBER: one roles/run.invoker binding per invoker, and on
//     allUsers only with service.public.
//
// # Defaults
//
// The zero value of every optional field is the safe choice: 1 CPU and
// 512Mi on gen2, CPU only during requests, concurrency 80, 0 to 10
// instances, a 60s timeout, port 8080, startup and liveness HTTP probes on
// /healthz, ingress from everywhere but every request authenticated (no
// allUsers invoker), no VPC access, and when VPC access is set, egress of
// private ranges only. The service's fields that the API would otherwise
// fill in (launch stage GA, CPU and memory limits, cpuIdle, scaling, timeout,
// execution environment, traffic 100% to the latest revision) are set
// explicitly, so that a second deployment shows no diff.
//
// # CPU and memory
//
// Cloud Run offers 0.08 to 0.999 CPU in steps of 0.001, or 1, 2, 4, 6 or 8
// CPUs, with this much memory (at least 512Mi on gen2, 128Mi on gen1):
//
//	cpu          memory
//	< 0.5        up to 512Mi
//	0.5 - < 1    up to 1Gi
//	1            up to 4Gi
//	2            up to 8Gi
//	4            2Gi - 16Gi
//	6            4Gi - 24Gi
//	8            4Gi - 32Gi
//
// Below 1 CPU, concurrency must be 1, CPU is allocated only during requests
// and the gen1 environment is required: an empty ExecutionEnvironment
// becomes gen1, an explicit gen2 is an error.
//
// # Secrets
//
// Each Secret exposes one pinned version of a Secret Manager secret either
// as an environment variable (read once, when an instance starts, so it must
// pin a number) or as a read-only file (mode 0444 unless set). A file secret
// at /etc/secrets/db/password mounts the secret as its own volume on
// /etc/secrets/db holding the file "password"; Cloud Run mounts one secret
// per directory, so two file secrets need two directories, neither inside
// the other. A file secret may follow "latest" only with AllowLatest.
//
// # VPC access
//
// VPC takes exactly one of: Connector (create a connector with a /28 range
// on a network, or on an existing /28 subnet), ConnectorID (an existing
// connector) or Network/Subnetwork (Direct VPC egress). Egress covers private
// ranges only unless Egress is EgressAllTraffic.
//
// A created connector keeps any allowed size (2 to 10 instances) across
// `pulumi up` runs: berth sets its throughput to what the API reports for
// that size, where the provider would otherwise replace it on every run. A
// deliberate change of its size, machine type, network, range or subnet
// replaces it, since the provider can update none of them: the old
// connector is deleted first, because the new one needs the same name and
// /28, so the service's VPC egress fails for the few minutes the new one
// takes to start. To change it without that gap, create a second connector
// under another name and range, switch the service to it, then remove the
// first.
//
// A new name, Region or project replaces the service, its account, its
// invoker grants and its value secrets create-first: the new service comes
// up beside the old one, at a new URL (Cloud Run keeps a service's name
// and URL, so there is no other way), and the old one serves until the end
// of the update; berth diff flags the new URL as downtime for clients of
// the old one, and the connector's delete-first replacement as the gap it
// is.
//
// # When the first deployment fails
//
// A service whose first revision fails is left in the cloud, outside the
// stack: the provider under pulumi-gcp 7.38.0 (terraform-provider-google-beta
// v5.42.0) records the service's ID before it waits for the revision, but
// pulumi-gcp's bridge (v3.89.1, PlanResourceChange for every resource) drops
// the state that comes with the error, so `pulumi up` fails and the state
// never holds the service (berth's provider model records it: internal/providers;
// docs/research/cloudrun-iam-propagation.md). Two causes are common:
//
//   - The revision never passes its startup probe: service.healthPath must
//     answer 2xx on service.port within about 10 seconds of the container
//     starting.
//   - The revision cannot read its secrets yet. berth grants
//     roles/secretmanager.secretAccessor on each secret before it creates the
//     service, and the provider waits until the binding reads back, but not
//     until IAM enforces it, which takes typically 2 minutes and sometimes 7
//     or more (https://cloud.google.com/iam/docs/access-change-propagation),
//     and the provider retries no permission failure of Cloud Run
//     (hashicorp/terraform-provider-google#16350). The error names the secret
//     and the revision's service account.
//
// A second `pulumi up` creates the service again and fails on its name,
// which the first one still holds ("googleapi: Error 409: Resource 'NAME'
// already exists"). Fix the cause (or, for permissions, wait a few
// minutes), delete the service the failed up left (it never served), then
// run `pulumi up`:
//
//	gcloud run services delete NAME --region REGION --project PROJECT
//
// The service's NAME is the one the failed up printed (Service.Name's
// value).
//
// See https://cloud.google.com/run/docs and berth's gcp.md design notes for the
// rules this package enforces.
package cloudrun
