package runner

// probeChildEnv is the value of childEnv with which the runner starts its
// own program once, to learn whether this machine can build the OS
// sandbox: [ChildMain] builds it around the process and exits (see
// probeChild in sandbox_*.go). The sandbox's launcher proper is the
// harness's init in the compiled example (harness/fence_linux.go) and the
// start of the interpreter's child (enterInPlace).
const probeChildEnv = "probe"
