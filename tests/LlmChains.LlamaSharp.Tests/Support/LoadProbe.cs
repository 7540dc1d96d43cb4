using System.Diagnostics;
using System.Text;
using LlmChains.Chains;
using LlmChains.Gguf;
using LlmChains.Models;

namespace LlmChains.LlamaSharp.Tests.Support;

/// <summary>
/// Loads GGUF files through <see cref="LlamaSharpLanguageModel.Load"/> in a child process, so that a native abort
/// (a GGML_ASSERT, a division by zero, a stack overflow) kills the child instead of the test host. The child is this test
/// assembly itself, started with <c>dotnet exec</c> and <see cref="Switch"/> (see <see cref="Program"/>): it needs
/// nothing but the .NET SDK that runs <c>dotnet test</c>.
/// </summary>
/// <remarks>
/// The child loads the files one after the other and writes a line per file to stdout (<c>@@probe begin i</c>, then
/// <c>@@probe end i kind type message</c>, tab-separated, the message escaped). When the child dies, the file it began
/// and did not end is the one that killed it; the parent records that and starts a new child on the files after it.
/// </remarks>
internal static class LoadProbe
{
    public const string Switch = "--llmchains-load-probe";

    private const string Prefix = "@@probe";

    /// <summary>The child's side: loads every file listed (one path a line) in <paramref name="listFile"/>.</summary>
    public static int Run(string listFile)
    {
        string[] paths = File.ReadAllLines(listFile);
        var stdout = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false)) { AutoFlush = true };
        for (int i = 0; i < paths.Length; i++)
        {
            stdout.WriteLine($"{Prefix}\tbegin\t{i}");
            string line;
            try
            {
                line = Evaluate(paths[i]);
            }
#pragma warning disable CA1031 // the parent decides which exception types are acceptable
            catch (Exception e)
#pragma warning restore CA1031
            {
                line = $"thrown\t{e.GetType().FullName}\t{Escape(e.Message)}";
            }

            stdout.WriteLine($"{Prefix}\tend\t{i}\t{line}");
        }

        return 0;
    }

    /// <summary>The parent's side: loads each file in a child process and reports what happened to each.</summary>
    public static IReadOnlyList<ProbeOutcome> LoadAll(IReadOnlyList<string> paths, TimeSpan perFile)
    {
        var outcomes = new ProbeOutcome?[paths.Count];
        string directory = Path.GetDirectoryName(paths[0])!;
        int next = 0;
        int round = 0;
        while (next < paths.Count)
        {
            string list = Path.Combine(directory, $"probe-list-{round++}.txt");
            File.WriteAllLines(list, paths.Skip(next));
            int offset = next;
            next = RunChild(list, paths, offset, outcomes, perFile);
        }

        return outcomes.Select(o => o!).ToArray();
    }

    /// <summary>Runs one child on paths[offset..]; returns the index of the first path not yet done.</summary>
    private static int RunChild(string list, IReadOnlyList<string> paths, int offset, ProbeOutcome?[] outcomes, TimeSpan perFile)
    {
        var start = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("exec");
        start.ArgumentList.Add(typeof(LoadProbe).Assembly.Location);
        start.ArgumentList.Add(Switch);
        start.ArgumentList.Add(list);
        start.Environment["GGML_NO_BACKTRACE"] = "1"; // ggml otherwise attaches gdb to print a backtrace before aborting
        start.Environment["DOTNET_DbgEnableMiniDump"] = "0";

        using var child = Process.Start(start) ?? throw new InvalidOperationException("Could not start the probe process.");
        var stderr = new StringBuilder();
        child.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (stderr)
                {
                    stderr.AppendLine(e.Data);
                }
            }
        };
        child.BeginErrorReadLine();

        int current = -1; // the file begun and not ended
        int done = offset;
        var lines = new System.Collections.Concurrent.BlockingCollection<string?>();
        var reader = new Thread(() =>
        {
            while (child.StandardOutput.ReadLine() is { } l)
            {
                lines.Add(l);
            }

            lines.Add(null);
        }) { IsBackground = true };
        reader.Start();

        while (true)
        {
            if (!lines.TryTake(out string? line, perFile))
            {
                child.Kill(entireProcessTree: true);
                child.WaitForExit();
                int stuck = current >= 0 ? current : done;
                outcomes[stuck] = new ProbeOutcome(paths[stuck], ProbeKind.TimedOut, null, $"no answer within {perFile.TotalSeconds} s", Tail(stderr));
                return stuck + 1;
            }

            if (line is null)
            {
                break;
            }

            string[] parts = line.Split('\t');
            if (parts.Length < 3 || parts[0] != Prefix)
            {
                continue; // llama.cpp or ggml writing to stdout
            }

            int index = offset + int.Parse(parts[2], System.Globalization.CultureInfo.InvariantCulture);
            if (parts[1] == "begin")
            {
                current = index;
                continue;
            }

            var kind = Enum.Parse<ProbeKind>(parts[3], ignoreCase: true);
            outcomes[index] = new ProbeOutcome(paths[index], kind, parts.Length > 4 ? parts[4] : null, parts.Length > 5 ? Unescape(parts[5]) : null, null);
            current = -1;
            done = index + 1;
        }

        child.WaitForExit();
        if (current >= 0)
        {
            outcomes[current] = new ProbeOutcome(paths[current], ProbeKind.Crashed, null, $"the process died with exit code {child.ExitCode}", Tail(stderr));
            return current + 1;
        }

        if (done < paths.Count)
        {
            throw new InvalidOperationException($"The probe process exited with code {child.ExitCode} before file {done}: {Tail(stderr)}");
        }

        return done;
    }

    private static string Evaluate(string path)
    {
        using var model = LlamaSharpLanguageModel.Load(path, TokenSubset.Digits(2), 2, new LlamaSharpModelOptions { Threads = 1 });
        var logits = new double[2];
        int[][] contexts = [[0], [1], [0, 0], [0, 1], [1, 0], [1, 1]];
        foreach (int[] context in contexts)
        {
            model.GetNextTokenLogits(context, logits);
            if (!logits.All(double.IsFinite))
            {
                return $"nonfinite\t\tcontext [{string.Join(",", context)}]: logits {string.Join(", ", logits)}";
            }
        }

        _ = LanguageModelChain.Build(model, new DecodingOptions { Temperature = 1 }); // the prefix-sharing path (batched leaves)
        return "loaded";
    }

    private static string DotnetHost()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host))
        {
            return host;
        }

        string? self = Environment.ProcessPath;
        return self is not null && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self : "dotnet";
    }

    private static string Tail(StringBuilder stderr)
    {
        string all;
        lock (stderr)
        {
            all = stderr.ToString();
        }

        string[] lines = all.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return string.Join(" | ", lines.TakeLast(3));
    }

    private static string Escape(string s) => s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal).Replace("\r", "\\r", StringComparison.Ordinal).Replace("\t", "\\t", StringComparison.Ordinal);

    private static string Unescape(string s)
    {
        var b = new StringBuilder(s.Length);
        for (int i = 0; i < s.Length; i++)
        {
            if (s[i] == '\\' && i + 1 < s.Length)
            {
                i++;
                b.Append(s[i] switch { 'n' => '\n', 'r' => '\r', 't' => '\t', _ => s[i] });
            }
            else
            {
                b.Append(s[i]);
            }
        }

        return b.ToString();
    }
}

internal enum ProbeKind
{
    /// <summary>Loaded, and every logit was finite.</summary>
    Loaded,

    /// <summary>Loaded, but a logit was NaN or infinite.</summary>
    NonFinite,

    /// <summary>Load or evaluation threw a managed exception.</summary>
    Thrown,

    /// <summary>The process died (native abort, crash).</summary>
    Crashed,

    /// <summary>No answer in time; the process was killed.</summary>
    TimedOut,
}

internal sealed record ProbeOutcome(string Path, ProbeKind Kind, string? ExceptionType, string? Message, string? NativeOutput)
{
    /// <summary>Either loaded with finite logits, or one of our exceptions with a one-line message.</summary>
    public bool IsAcceptable => Kind == ProbeKind.Loaded || (Kind == ProbeKind.Thrown && IsOurs(ExceptionType) && Message is { Length: > 0 } m && !m.Contains('\n', StringComparison.Ordinal) && !m.Contains("(Parameter '", StringComparison.Ordinal));

    private static bool IsOurs(string? type) => type == typeof(ModelLoadException).FullName || type == typeof(GgufFormatException).FullName
        || type == typeof(ArgumentException).FullName || type == typeof(ArgumentOutOfRangeException).FullName;

    public override string ToString() => $"{System.IO.Path.GetFileName(Path)}: {Kind} {ExceptionType} {Message} {NativeOutput}".TrimEnd();
}

/// <summary>The test assembly's entry point: the probe child when started with <see cref="LoadProbe.Switch"/>, nothing otherwise.</summary>
internal static class Program
{
    public static int Main(string[] args) => args.Length == 2 && args[0] == LoadProbe.Switch ? LoadProbe.Run(args[1]) : 0;
}
