package plan

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/internals"

	"github.com/berth-dev/berth/testkit"
)

// Program is a Pulumi program that returns its stack outputs instead of
// exporting them, such as infra/program.Deploy. Run exports them for it.
type Program func(ctx *pulumi.Context) (map[string]pulumi.Output, error)

// Run runs program once against the recording mock monitor with cfg and
// returns what it registered. The program is not previewed: it runs as
// `pulumi up` would, with every resource output known (placeholders where a
// cloud computes them), so code inside ApplyT runs too.
//
// When the program fails, Run returns its error as a *ProgramError, whose
// message is the program's own, so that a validation error whose lines are
// the problems reaches the caller as written (secret plaintexts redacted).
func Run(ctx context.Context, cfg *Config, program Program) (*Plan, error) {
	red := newRedactor(cfg.secrets)
	m := testkit.New(cfg.Project, cfg.Stack)
	order := newRecorder(cfg.Project, cfg.Stack)

	var (
		programErr error
		outputs    map[string]pulumi.Output
	)
	body := func(pctx *pulumi.Context) (err error) {
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("program panicked: %v", r)
			}
		}()
		if err := pctx.RegisterStackTransformation(order.transformation); err != nil {
			return fmt.Errorf("registering the order recorder: %w", err)
		}
		outs, err := program(pctx)
		if err != nil {
			programErr = err
			return err
		}
		for name, o := range outs {
			pctx.Export(name, o)
		}
		outputs = outs
		return nil
	}
	done := make(chan error, 1)
	go func() {
		done <- m.Run(body, func(info *pulumi.RunInfo) {
			info.Config = cfg.Values
			info.ConfigSecretKeys = cfg.SecretKeys
			info.RootDirectory = cfg.RootDirectory
			info.DryRun = false
		})
	}()
	var err error
	select {
	case err = <-done:
	case <-ctx.Done():
		// The SDK cannot stop a running program; leave it to the process exit.
		return nil, fmt.Errorf("running program: %w", ctx.Err())
	}
	if programErr != nil {
		return nil, &ProgramError{Err: redactError(red, programErr)}
	}
	if err != nil {
		return nil, redactError(red, fmt.Errorf("running program: %w", flatten(err)))
	}

	p := &Plan{Project: cfg.Project, Stack: cfg.Stack, Outputs: map[string]any{}}
	for name, o := range outputs {
		name := red.text(name)
		if o == nil {
			p.Outputs[name] = nil
			continue
		}
		res, err := internals.UnsafeAwaitOutput(ctx, o)
		switch {
		case err != nil:
			return nil, redactError(red, fmt.Errorf("resolving output %s: %w", name, err))
		case res.Secret:
			p.Outputs[name] = SecretMarker
		case !res.Known:
			p.Outputs[name] = UnknownMarker
		default:
			p.Outputs[name] = red.plain(res.Value)
		}
	}

	recorded := m.Resources()
	rank := order.ranks()
	sort.SliceStable(recorded, func(i, j int) bool {
		ri, iok := rank[recorded[i].URN]
		rj, jok := rank[recorded[j].URN]
		if iok != jok {
			return iok // resources the recorder missed go last, as recorded
		}
		return ri < rj
	})
	stackURN := order.stackURN()
	for _, r := range recorded {
		parent := r.Parent
		if parent == stackURN {
			parent = ""
		} else if parent != "" {
			parent = red.urn(parent)
		}
		deps := []string{}
		for _, d := range r.Dependencies {
			if d != stackURN {
				deps = append(deps, red.urn(d))
			}
		}
		// A name built from a secure value (config.Get returns it in the
		// clear) would otherwise print it in the name, URN, parent and
		// dependencies of every resource derived from it.
		p.Resources = append(p.Resources, Resource{
			URN:       red.urn(r.URN),
			Type:      r.Type,
			Name:      red.name(r.Name),
			Parent:    parent,
			DependsOn: deps,
			Inputs:    red.properties(r.Inputs),
		})
	}
	n := p.normalized()
	return &n, nil
}

// ProgramError is the error the program returned, typically the lines of a
// configuration validation. Its message is the program's message.
type ProgramError struct {
	// Err is the program's error, its secrets redacted.
	Err error
}

// Error returns the program's message.
func (e *ProgramError) Error() string { return e.Err.Error() }

// Unwrap returns the program's error.
func (e *ProgramError) Unwrap() error { return e.Err }

// recorder notes the order in which the program registers resources.
// Registration reaches the monitor asynchronously, once a resource's inputs
// resolve, so the monitor's order varies from run to run; the program's own
// order does not. A stack transformation sees each registration
// synchronously, with the resource and its parent, which is enough to
// compute the URN the monitor will see.
type recorder struct {
	project, stack string

	mu   sync.Mutex
	urns map[pulumi.Resource]resource.URN
	seq  []resource.URN
}

func newRecorder(project, stack string) *recorder {
	return &recorder{project: project, stack: stack, urns: map[pulumi.Resource]resource.URN{}}
}

// transformation records one registration and changes nothing.
func (r *recorder) transformation(args *pulumi.ResourceTransformationArgs) *pulumi.ResourceTransformationResult {
	opts, err := pulumi.NewResourceOptions(args.Opts...)
	if err != nil {
		return nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	parentType := tokens.Type("")
	if opts.Parent != nil {
		if urn, ok := r.urns[opts.Parent]; ok {
			parentType = urn.QualifiedType()
		}
	}
	urn := resource.NewURN(tokens.QName(r.stack), tokens.PackageName(r.project), parentType, tokens.Type(args.Type), args.Name)
	r.urns[args.Resource] = urn
	r.seq = append(r.seq, urn)
	return nil
}

// ranks maps each recorded URN to its first registration index.
func (r *recorder) ranks() map[string]int {
	r.mu.Lock()
	defer r.mu.Unlock()
	rank := make(map[string]int, len(r.seq))
	for i, urn := range r.seq {
		if _, seen := rank[string(urn)]; !seen {
			rank[string(urn)] = i
		}
	}
	return rank
}

// stackURN is the URN of the root stack resource that parents top-level
// resources.
func (r *recorder) stackURN() string {
	return string(resource.NewURN(tokens.QName(r.stack), tokens.PackageName(r.project), "",
		resource.RootStackType, r.project+"-"+r.stack))
}

// flatten turns the SDK's multierror ("1 error occurred: * ...") into a
// plain joined error, one line per error.
func flatten(err error) error {
	var multi interface{ WrappedErrors() []error }
	if errors.As(err, &multi) {
		return errors.Join(multi.WrappedErrors()...)
	}
	return err
}

// redactError returns err, or an error with the same lines minus secret
// plaintexts when the message carries one.
func redactError(red redactor, err error) error {
	if msg := red.text(err.Error()); msg != err.Error() {
		return errors.New(msg)
	}
	return err
}
