using LlmChains.Chains;
using LlmChains.Cli.Limits;
using LlmChains.Models;

namespace LlmChains.Cli.Tests.Limits;

/// <summary>The tool's byte format, which is its own (the CLI uses only the library's public API) but must read as the library's.</summary>
public sealed class MemoryBudgetTests
{
    [Theory]
    [InlineData(512, "512 B")]
    [InlineData(1536, "1.5 KiB")]
    [InlineData(1610612736, "1.5 GiB")]
    [InlineData(1e30, "10^30.0 B")]
    public void Format_BinaryUnits_Invariant(double bytes, string expected)
        => MemoryBudget.Format(bytes).Should().Be(expected);

    [Theory]
    [InlineData(1536)]
    [InlineData(3_500_000)]
    public void Format_IsTheLibrarysFormat(long limit)
    {
        // the library names its own limit in its memory messages: "… more than the 1.5 KiB available (MemoryLimitBytes)."
        var build = () => LanguageModelChain.Build(new UniformModel(40, 4), new DecodingOptions(), new ChainBuildOptions { MemoryLimitBytes = limit });

        build.Should().Throw<ArgumentException>().Which.Message.Should().Contain($"more than the {MemoryBudget.Format(limit)} available");
    }
}
