using FluentAssertions;

namespace LlmChains.Cli.Tests.Parsing;

public sealed class ToolHelpTests
{
    [Theory]
    [InlineData("--help", "  llmchains [command] [options]")]
    [InlineData("-h", "  llmchains [command] [options]")]
    [InlineData("bounds --help", "  llmchains bounds [command] [options]")]
    [InlineData("bounds pretrain --help", "  llmchains bounds pretrain [options]")]
    [InlineData("analyze --vocab x --help", "  llmchains analyze [options]")]
    public void Help_UsageLine_NamesTheToolNotTheAssembly(string args, string usage)
    {
        var (code, output, error) = CliRunner.Run(args.Split(' '));

        code.Should().Be(0, error);
        output.Should().Contain("Usage:" + Environment.NewLine + usage + Environment.NewLine);
        output.Should().NotContain("LlmChains.Cli").And.NotContain("testhost");
    }
}
