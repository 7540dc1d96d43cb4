using BenchmarkDotNet.Running;
using LlmChains.Benchmarks;

switch (args.Length > 0 ? args[0] : null)
{
    case "scale":
        return ScaleRun.Run(args[1..]);
    case "stationary":
        return StationaryRun.Run(args[1..]);
    case "spectrum":
        return SpectrumRun.Run(args[1..]);
}

BenchmarkSwitcher.FromAssembly(typeof(StepBenchmarks).Assembly).Run(args);
return 0;
