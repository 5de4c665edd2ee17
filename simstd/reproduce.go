package simstd

// EnvUnderSimgenTestArgs is set by `simgen test` for the test processes it starts: the
// arguments of the reproduce command after "simgen test --seed N", up to and including the
// "--" before go test's flags: simgen's flags that affect the run (--tags, --allow, --as-is,
// the limits), every package of the run, relative to the module root, and the go test flags
// given after "--" except -run, which the reproduce command replaces with the failing test.
// A failing test prints it after "simgen test --seed N" with "-run '^TestName$'" appended, or,
// when other tests ran before it in its process, with EnvUnderSimgenTestRun.
const EnvUnderSimgenTestArgs = "SIMGEN_UNDER_TEST_ARGS"

// EnvUnderSimgenTestRun is set with EnvUnderSimgenTestArgs: the user's -run flags (each
// preceded by a space), which a reproduce command keeps when it reruns the whole run rather
// than the failing test alone (see ReproduceTest).
const EnvUnderSimgenTestRun = "SIMGEN_UNDER_TEST_RUN"
