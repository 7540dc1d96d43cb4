using BenchmarkDotNet.Running;
using LlmChains.Benchmarks;

switch (args.Length > 0 ? args[0] : null)
{
    case "scale":
        return ScaleRun.Run(args[1..]);
    case "stationary":
        return StationaryRun.Run(args[1..]);
    case "compare":
        return CompareRun.Run(args[1..]);
    case "stepsweep":
        return StepSweepRun.Run(args[1..]);
    case "stationarygrid":
        return StationaryGridRun.Run(args[1..]);
    case "spectrum":
        return SpectrumRun.Run(args[1..]);
    case "fate":
        return FateRun.Run(args[1..]);
    case "lowtemp":
        return LowTemperatureRun.Run(args[1..]);
}

var summaries = BenchmarkSwitcher.FromAssembly(typeof(StepBenchmarks).Assembly).Run(args);

// A case whose setup, check or method threw has no measurements: fail the run, so that .ci/run's dry job notices.
return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
