using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace LlmChains.Cli.Tests.Commands;

/// <summary>The files in samples/ are what samples/README.md and the README say they are.</summary>
public sealed partial class SampleFilesTests
{
    /// <summary>
    /// samples/ at the repository root, searched upwards from the test binaries (not from the compile-time source path:
    /// deterministic builds, as on a CI server, map that path to /_/).
    /// </summary>
    private static string Samples()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "LlmChains.sln")))
            {
                return Path.Combine(directory.FullName, "samples");
            }
        }

        throw new DirectoryNotFoundException("LlmChains.sln not found above the test binaries " + AppContext.BaseDirectory);
    }

    [Fact]
    public void ThreeState_Analyze_IsAnErgodicChainWithTheStatedStationaryDistribution()
    {
        string path = Path.Combine(Samples(), "three-state.mtx");
        var stated = PiLine().Match(File.ReadAllText(path));
        stated.Success.Should().BeTrue("the file states π in a comment line");
        double[] pi = [.. Enumerable.Range(0, 3).Select(i => double.Parse(stated.Groups["n"].Captures[i].Value, CultureInfo.InvariantCulture) / double.Parse(stated.Groups["d"].Captures[i].Value, CultureInfo.InvariantCulture))];

        var (code, output, error) = CliRunner.Run("analyze", "--matrix", path, "--json");

        code.Should().Be(0, error);
        using var document = JsonDocument.Parse(output);
        var root = document.RootElement;
        root.GetProperty("stateCount").GetInt64().Should().Be(3);
        root.GetProperty("isErgodicUnichain").GetBoolean().Should().BeTrue();
        var computed = root.GetProperty("stationary").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        computed.Should().HaveCount(3);
        for (int i = 0; i < 3; i++)
        {
            computed[i].Should().BeApproximately(pi[i], 1e-14, "π{0}", i + 1);
        }

        pi.Sum().Should().BeApproximately(1, 1e-15);
    }

    [Fact]
    public void Readme_NamesEverySampleFile()
    {
        string readme = File.ReadAllText(Path.Combine(Samples(), "README.md"));
        foreach (string file in Directory.GetFiles(Samples()).Select(f => Path.GetFileName(f)).Where(f => f != "README.md"))
        {
            readme.Should().Contain(file);
        }
    }

    [GeneratedRegex(@"pi = \((?:(?<n>\d+)/(?<d>\d+)(?:, )?){3}\)")]
    private static partial Regex PiLine();
}
