package microcred

import "context"

// step is one check of a verification pipeline. A pipeline is a table of
// steps in report order (vcSteps, blockcertsV2Steps, ob2Steps); runSteps
// walks it, so which checks a report lists, in which order, and which of
// them are skipped after a failure follow from the table alone.
type step[S any] struct {
	check Check
	// requires are the checks this one needs to have held: if one of
	// them failed, or was skipped because a check it requires failed,
	// this step does not run and is reported Skipped, naming the check
	// that failed. A required check that passed, was skipped as not
	// applicable, or is not part of this verification does not block.
	requires []Check
	// applies, if set, says whether the check is part of this
	// verification at all (a policy or option asked for it, or what is
	// known of the input makes it one); a step that does not apply is not
	// reported, whether or not its prerequisites held.
	applies func(s S) bool
	// run records the outcome of check (pass, fail or skip), once; it
	// may record nothing when the check turns out not to run.
	run func(ctx context.Context, s S)
}

// runSteps runs the steps of a pipeline in order, with r recording.
func runSteps[S any](ctx context.Context, r *runner, steps []step[S], s S) {
	for _, st := range steps {
		if r.stopped {
			return
		}
		if st.applies != nil && !st.applies(s) {
			continue
		}
		if cause, blocked := r.blockedBy(st.requires); blocked {
			r.res.Checks = append(r.res.Checks, CheckResult{Check: st.check, Outcome: Skipped, Err: &skippedError{failed: cause}})
			r.blocked[st.check] = cause
			continue
		}
		st.run(ctx, s)
	}
}

// checkerSteps are the steps of the recipient check (when the policy
// expects a recipient) and of each custom checker, in the order added,
// all requiring the proof check; recipient and custom run them.
func checkerSteps[S any](v *Verifier, policy Policy, applies func(S) bool, recipient func(context.Context, S), custom func(context.Context, S, namedChecker)) []step[S] {
	steps := []step[S]{{
		check:    CheckRecipient,
		requires: []Check{CheckProof},
		applies: func(s S) bool {
			return policy.recipient != "" && (applies == nil || applies(s))
		},
		run: recipient,
	}}
	for _, nc := range v.cfg.checkers {
		steps = append(steps, step[S]{
			check:    nc.name,
			requires: []Check{CheckProof},
			applies:  applies,
			run:      func(ctx context.Context, s S) { custom(ctx, s, nc) },
		})
	}
	return steps
}

// blockedBy returns the failed check that keeps a step with these
// prerequisites from running, if any.
func (r *runner) blockedBy(requires []Check) (Check, bool) {
	for _, req := range requires {
		if cause, ok := r.blocked[req]; ok {
			return cause, true
		}
		for _, c := range r.res.Checks {
			if c.Check == req && c.Outcome == Failed {
				return req, true
			}
		}
	}
	return "", false
}

// verdict returns the verification error, if a check failed.
func (r *runner) verdict() error {
	if r.failed() {
		return &verificationError{Checks: r.res.Checks}
	}
	return nil
}

// builtinCheck reports whether name is the check of a step of one of the
// built-in pipelines, which a custom checker may not take.
func builtinCheck(name Check) bool {
	v := &Verifier{} // the tables without custom checkers; nothing runs
	var names []Check
	for _, st := range v.vcSteps(Policy{}) {
		names = append(names, st.check)
	}
	for _, st := range v.blockcertsV2Steps(Policy{}) {
		names = append(names, st.check)
	}
	for _, st := range v.ob2Steps(Policy{}) {
		names = append(names, st.check)
	}
	for _, st := range v.presentationSteps() {
		names = append(names, st.check)
	}
	for _, n := range names {
		if n == name {
			return true
		}
	}
	return false
}
