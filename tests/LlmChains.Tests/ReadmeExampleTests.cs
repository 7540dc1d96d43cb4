using LlmChains.Analysis;
using LlmChains.Analysis.Spectral;
using LlmChains.Chains;
using LlmChains.Models;

namespace LlmChains.Tests;

/// <summary>Keeps the README's C# quick start compiling, running and saying what it claims.</summary>
public sealed class ReadmeExampleTests
{
    private const string Marker = "<!-- quickstart:";

    [Fact]
    public void QuickStart_Runs_AndPrintsWhatTheCommentsSay()
    {
        var lines = RunQuickStart();

        lines.Should().HaveCount(3);
        lines[0].Should().Be("14");
        double.Parse(lines[1], System.Globalization.CultureInfo.CurrentCulture).Should().BeApproximately(11.0 / 12.0, 1e-15);
        lines[2].Should().Be("True");
    }

    [Fact]
    public void QuickStart_IsTheCodeInTheReadme()
    {
        string readme = File.ReadAllText(FindReadme());
        int marker = readme.IndexOf(Marker, StringComparison.Ordinal);
        marker.Should().BeGreaterThan(0);
        int start = readme.IndexOf("```csharp\n", marker, StringComparison.Ordinal) + "```csharp\n".Length;
        int end = readme.IndexOf("```", start, StringComparison.Ordinal);
        string[] readmeCode = Normalize(readme[start..end]);

        string source = File.ReadAllText(Path.Combine(Path.GetDirectoryName(FindReadme())!, "tests", "LlmChains.Tests", "ReadmeExampleTests.cs"));
        int body = source.LastIndexOf("// README BEGIN", StringComparison.Ordinal);
        int bodyEnd = source.LastIndexOf("// README END", StringComparison.Ordinal);
        string[] testCode = Normalize(source[body..bodyEnd].Replace("// README BEGIN", string.Empty, StringComparison.Ordinal).Replace("Console.WriteLine", "Print", StringComparison.Ordinal));

        readmeCode.Where(l => !l.StartsWith("using ", StringComparison.Ordinal))
            .Select(l => l.Replace("Console.WriteLine", "Print", StringComparison.Ordinal))
            .Should().Equal(testCode);
    }

    private static List<string> RunQuickStart()
    {
        var printed = new List<string>();
        void Print(object value) => printed.Add(value.ToString()!);

        // README BEGIN
        var model = NGramModel.PaperToyExample();                  // T = 2, K = 3
        var chain = LanguageModelChain.Build(model, new DecodingOptions { Temperature = 1.0 });
        Print(chain.StateCount);                        // 14 = 2 + 4 + 8

        var x = new double[chain.StateCount];
        x[chain.States.Rank([0, 1])] = 1;                           // start from the prompt "01"
        var next = new double[chain.StateCount];
        chain.Step(x, next);                                        // next = x·Q_f: "010" and "011" get f("01")
        Print(next[chain.States.Rank([0, 1, 1])]);      // 0.9166… = (10 + 1)/(10 + 2): "01" was followed by 1 ten times

        var structure = ChainStructure.Analyze(chain);
        Print(structure.IsErgodicUnichain);             // True (Prop. 3.3)
        // README END
        return printed;
    }

    private static string[] Normalize(string code) => code
        .Split('\n')
        .Select(l => System.Text.RegularExpressions.Regex.Replace(l.Trim(), @"\s+", " "))
        .Where(l => l.Length > 0)
        .ToArray();

    /// <summary>
    /// The README at the repository root: found from this source file's compile-time path, or, when that path is mapped
    /// (deterministic CI builds map it to /_/), by searching upwards from the test binaries.
    /// </summary>
    private static string FindReadme()
    {
        string fromSource = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(ThisFile())!, "..", "..", "README.md"));
        if (File.Exists(fromSource))
        {
            return fromSource;
        }

        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "README.md")))
        {
            directory = directory.Parent;
        }

        return directory is null ? throw new FileNotFoundException("README.md not found from the source path or above the test binaries") : Path.Combine(directory.FullName, "README.md");
    }

    private static string ThisFile([System.Runtime.CompilerServices.CallerFilePath] string path = "") => path;
}
