using BenchmarkDotNet.Running;

// Every benchmark class in this assembly is reachable through --filter; with no arguments the
// switcher asks which to run.
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
