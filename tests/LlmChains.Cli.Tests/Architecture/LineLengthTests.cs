namespace LlmChains.Cli.Tests.Architecture;

/// <summary>
/// Every line of every C# source file under src/ (bin/ and obj/ excluded) is at most <see cref="MaxLength"/>
/// characters (UTF-16 code units), so the code reads without horizontal scrolling.
/// </summary>
public sealed class LineLengthTests
{
    private const int MaxLength = 140;

    [Fact]
    public void SourceLines_AreAtMost140Characters()
    {
        string root = RepositoryRoot();
        string src = Path.Combine(root, "src");
        Directory.Exists(src).Should().BeTrue($"the repository at {root} has a src/ directory");

        var files = Directory.EnumerateFiles(src, "*.cs", SearchOption.AllDirectories)
            .Where(f => !IsBuildOutput(Path.GetRelativePath(src, f)))
            .ToList();
        files.Should().NotBeEmpty("src/ holds the library's C# sources");

        var offenders = new List<string>();
        foreach (string file in files)
        {
            string[] lines = File.ReadAllLines(file);
            for (int i = 0; i < lines.Length; i++)
            {
                if (lines[i].Length > MaxLength)
                {
                    string relative = Path.GetRelativePath(root, file).Replace('\\', '/');
                    offenders.Add($"{relative}:{i + 1} ({lines[i].Length} characters)");
                }
            }
        }

        offenders.Should().BeEmpty($"every line under src/ is at most {MaxLength} characters");
    }

    private static bool IsBuildOutput(string relativePath)
    {
        string[] parts = relativePath.Split(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar);
        return parts.Any(p => p is "bin" or "obj");
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "LlmChains.sln")))
            {
                return directory.FullName;
            }
        }

        throw new DirectoryNotFoundException("LlmChains.sln not found above the test binaries " + AppContext.BaseDirectory);
    }
}
