namespace LlmChains.Cli.Tests.Reliability;

/// <summary>What every refused invocation of the tool must look like.</summary>
internal static class FuzzOracle
{
    /// <summary>Text that only .NET (not a message written for a user) puts into an error.</summary>
    private static readonly string[] DotNetText = ["(Parameter '", "Actual value was", "System.", "`1", "   at ", "Exception:", "Unhandled", "internal error", "Object reference"];

    /// <summary>One line "llmchains: error: …", no stack trace, no .NET type name or parameter suffix.</summary>
    public static void ShouldBeCleanOneLine(string error)
    {
        error.Should().StartWith("llmchains: error: ");
        error.TrimEnd('\n', '\r').Should().NotContain("\n", "an error is one line");
        foreach (string text in DotNetText)
        {
            error.Should().NotContain(text);
        }
    }
}
