using BenchmarkDotNet.Running;
using LlmChains.Benchmarks;

if (args.Length > 0 && args[0] == "scale")
{
    return ScaleRun.Run(args[1..]);
}

BenchmarkSwitcher.FromAssembly(typeof(StepBenchmarks).Assembly).Run(args);
return 0;
