// Package fargate runs a stateless HTTP container on Amazon ECS Fargate
// behind an Application Load Balancer as one Pulumi component,
// `berth:fargate:Service`, with secure defaults.
//
// NewService validates every argument against AWS's real limits before it
// registers anything, and reports all problems in one *validate.Error whose
// lines name the field (`cpu`, `memory`, `secrets[1].valueFrom`,
// `healthCheck.interval`). ServiceArgs.Validate runs the same checks without
// an image, for programs that build the image in the same deployment. Then
// NewService creates, as children of the component:
//
//   - NAME-logs: a CloudWatch Logs group, /berth/NAME-HASH, that keeps logs
//     for 30 days unless told otherwise, never forever;
//   - NAME-exec-role and NAME-exec-policy: the execution role, with one
//     inline policy computed from the inputs: ECR pull on exactly the image's
//     repository (ecr:GetAuthorizationToken on "*", the only wildcard, as AWS
//     requires), log writes on exactly the log group, reads of exactly the
//     declared secrets and parameters, kms:Decrypt on exactly the given key;
//     no managed policy;
//   - NAME-task-role and NAME-task-policy: the app's identity, with no
//     permission unless AWS.TaskPolicy or AWS.EnableExec add some (the
//     policy exists only then);
//   - NAME-lb-sg and NAME-task-sg: security groups whose rules are separate
//     resources (NAME-lb-in-PORT-CIDR, NAME-lb-out-PORT, NAME-task-in-PORT,
//     NAME-task-out-ipv4, NAME-task-out-ipv6). The load balancer admits only
//     its listener ports from AllowedCIDRs and sends only to the tasks; the
//     tasks admit only the load balancer's group on the container port and
//     send anywhere (through NAT or VPC endpoints they reach ECR, Secrets
//     Manager, SSM, CloudWatch Logs and the APIs the app calls);
//   - NAME-lb, NAME-tg, NAME-https, NAME-http: the load balancer (names of
//     at most 32 characters derived from the component name), an ip target
//     group with a fast HTTP health check, and the listeners;
//   - NAME-cluster: an ECS cluster with Container Insights, unless ClusterARN
//     names an existing one;
//   - NAME-taskdef: the task definition of one container, built from typed
//     Go values and marshalled once;
//   - NAME-svc: the ECS service;
//   - NAME-scaling, NAME-cpu, NAME-requests: Application Auto Scaling of the
//     task count with two target tracking policies.
//
// # HTTPS
//
// With CertificateARN, port 443 terminates TLS with
// ELBSecurityPolicy-TLS13-1-2-2021-06 (TLS 1.2 and 1.3, forward-secret
// ciphers only; TLS13Only offers TLS 1.3 alone, at the cost of older
// clients) and port 80 answers every request with a 301 redirect to HTTPS.
// An internet-facing load balancer without a certificate is an error unless
// PlainHTTP asks for it by name: then port 80 forwards plain HTTP to the
// tasks, fit for development only. An internal load balancer (the default,
// service.public false) serves plain HTTP without a certificate.
//
// # Deployments that take a minute, not ten
//
// ECS replaces a task in this order: start the new task, wait for the target
// group to see it healthy, deregister the old one, wait the deregistration
// delay, send SIGTERM, wait StopTimeout, send SIGKILL. berth sizes each step
// for an HTTP service rather than using AWS's defaults (5 healthy checks 30 s
// apart, a 300 s delay):
//
//   - health checks every 10 s, healthy after 2 successes (about 20 s);
//   - the deregistration delay is service.timeout (30 s by default): once the
//     load balancer stops sending a task new requests, the requests in flight
//     get that long to finish;
//   - StopTimeout (30 s by default, at most 120 s) then covers the app's own
//     drain delay and shutdown; for berth's sample app, make it at least
//     DRAIN_DELAY + SHUTDOWN_TIMEOUT.
//
// Deployments start new tasks before stopping old ones (100% minimum
// healthy, 200% maximum) and `pulumi up` waits until the service is steady.
//
// # A release that does not become healthy, or answers errors
//
// When the new tasks keep failing to start or to pass their health checks,
// the deployment circuit breaker stops the deployment and rolls the service
// back to the last revision that completed, so the old tasks keep serving.
// When they start but then answer 5xx above Service.Rollout's error rate,
// or targets turn unhealthy, one of the two deployment alarms goes into
// ALARM during the deployment or its bake time, and ECS rolls back the
// same way (docs/rollouts.md; `alarms: off` keeps the alarms and turns
// the rollback off).
// The AWS provider's wait for a steady state counts that rolled-back service
// as steady and reports success (hashicorp/terraform-provider-aws#20858), so
// berth checks what the service runs after the wait: when it is not the
// revision this update registered, TaskDefinitionARN fails and `pulumi up`
// fails with an error that names the component and the ECS service and
// shows both revisions. What is left behind:
//
//   - the service runs the earlier revision, and its state records that, so
//     the next `pulumi preview` shows the service's taskDefinition changing
//     back to the new revision, and the next `pulumi up` deploys it again;
//   - both revisions stay registered: the task definition is created with
//     skipDestroy, so replacing it never deregisters an earlier revision
//     that a rollback returns to (ECS starts no new task, for scaling or to
//     replace a failed one, from a deregistered revision). Revisions cost
//     nothing; deregister old ones with `aws ecs deregister-task-definition`
//     if their number bothers you.
//
// The circuit breaker gives up after a number of failed tasks that depends
// on the desired count (at least 3, at most 200), so a broken release fails
// `pulumi up` after a few minutes, not at the provider's 20-minute timeout.
//
// # Canary
//
// With Service.Rollout.Canary the service runs in two lanes behind one
// load balancer (docs/rollouts.md, CanaryLane): the stable lane, the
// service's own resources running the task definition ARN Canary.Stable
// pins, and a canary lane, with its own target group, alarms, scaling
// (one task to service.maxInstances) and ECS service, running the revision
// this update registers. A listener rule sends Canary.Percent of requests
// to the canary lane and the rest to the stable lane; another sends every
// request carrying the header X-Berth-Release: canary to the canary lane.
// A release rolls out on the canary lane only, under its alarms; promoting
// it is a change of Canary.Stable, aborting it Canary.Abort (weight 0, the
// canary lane back on the stable release). Both lanes' revisions are
// checked as above, so a canary release its alarms roll back fails
// `pulumi up` naming the canary lane.
//
// # Changes that keep serving
//
// A new port keeps the target group (its port is only a default: ECS
// registers each task with the container port) and opens the new port
// beside the old one, in rules named by the port, until the old rules go
// at the end of the update, when the old tasks are gone: the load balancer
// reaches the running tasks throughout. Every resource whose name follows
// the service's name, the scheme (Public) or the VPC is replaced
// create-first under a new name, so the old one serves until the end of
// the update; a new scheme or name makes a new load balancer, at a new DNS
// name, which berth diff flags as downtime for clients of the old one.
//
// # Secrets
//
// Each Secret becomes an environment variable that ECS reads when a task
// starts. ValueFrom is a Secrets Manager secret ARN (optionally with
// ":jsonKey:versionStage:versionId", every colon present, or with JSONKey,
// VersionStage and VersionID set separately), an SSM parameter name in the
// service's Region, or an SSM parameter ARN. The execution role gets
// secretsmanager:GetSecretValue on each secret's ARN without the suffix (a
// partial ARN, without the 6-character random suffix, as "NAME-??????") and
// ssm:GetParameters on each parameter's ARN, built from the account and
// Region of the provider for a name.
//
// # Scaling
//
// The task count stays between service.minInstances (2) and
// service.maxInstances (10), tracking two
// targets, whichever asks for more tasks: average CPU utilization
// (CPUTarget, 60%) and requests per task per minute
// (ALBRequestCountPerTarget). The request target comes from Little's law:
// Concurrency requests in flight at a mean response time of Latency arrive
// at Concurrency/Latency per second, so the target is
// round(0.7 × 60 × Concurrency / Latency in seconds), 70% of capacity
// (ConcurrencyUtilization); the defaults, 80 in flight at 200 ms, give
// 16800 requests per task per minute. Scaling out waits 60 s
// between steps, scaling in 300 s. The service's desired count is ignored
// after creation, because autoscaling owns it.
//
// # Defaults
//
// The zero value of every optional field is the safe choice: 256 CPU units
// and 512 MiB on X86_64, platform LATEST, port 8080, tasks without public
// IPs, an internal load balancer (service.public makes it internet-facing,
// which needs CertificateARN, or PlainHTTP) open on 80 and 443 only, to
// AllowedCIDRs (default the whole internet, which an internal load balancer
// cannot be reached from anyway), a 60 s idle timeout, a read-only root
// filesystem, never privileged, no ECS Exec, logs kept 30 days, and
// deployment alarms with rollback (Service.Rollout).
//
// See berth's aws.md design notes and
// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ for the rules
// this package enforces.
package fargate
