// Package rollout judges a canary and writes the stack configuration that
// promotes or aborts it: what `berth rollout status|promote|abort` do.
//
// A service with rollout.canary serves two releases: the stable one that
// the configuration names (rollout.canary.stable) and the canary, its
// newest release, at rollout.canary.percent. On Cloud Run they are two
// revisions of one service, the canary being its latest ready revision;
// on Fargate two ECS services, the lanes, behind one listener with a
// target group each (docs/rollouts.md).
//
// Judge decides promote, wait or abort from the canary's requests and
// 5xx answers since it started serving, against the stack's error budget
// (rollout.errorRate), observation (rollout.canary.observe) and fewest
// requests (rollout.canary.minRequests). Check reads those counts through
// Metrics, whose implementations are the only code here that calls a
// cloud: NewCloudRun (Run Admin API v2 and Cloud Monitoring) and
// NewFargate (ECS and CloudWatch). Locate finds the service in the
// stack's offline plan, so that no program runs against the cloud.
//
// Promoting is writing the canary's release into rollout.canary.stable,
// aborting is writing rollout.canary.abort: true; EditStackFile does
// either in Pulumi.<stack>.yaml, changing only those lines, for a pull
// request to review.
package rollout
