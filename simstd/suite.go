package simstd

// RunJudged runs fn as one seed of a suite that runs its own simulations and
// judges them afterwards (outside the simulation), such as a cluster test
// checking linearizability of the history it recorded. It gives the run what
// Test gives a test's: the strategy and limits of the environment
// (ConfigFromEnv), the trace that SIMGEN_TRACE asks for, and, once judge has
// looked at the result, the SIMGEN_REPORT line and the record that sweeps
// read (SIMGEN_RESULTS). judge returns "" when the run passes, or what went
// wrong; RunJudged returns the result and judge's verdict.
func RunJudged(test string, seed uint64, fn func(), judge func(Result) string) (Result, string, error) {
	cfg, err := ConfigFromEnv(seed)
	if err != nil {
		return Result{}, "", err
	}
	tf, err := openTrace(test, "", seed, false)
	if err != nil {
		return Result{}, "", err
	}
	if tf != nil {
		cfg.Trace = tf.f
	}
	r := Run(cfg, func() { initPackages(); fn() })
	verdict := judge(r)
	report(r)
	rec := NewRunRecord(test, r, verdict != "")
	if tf != nil {
		rec.Trace = tf.path
		if err := tf.finish(r, rec); err != nil {
			return r, verdict, err
		}
	}
	return r, verdict, appendRecord(rec)
}
