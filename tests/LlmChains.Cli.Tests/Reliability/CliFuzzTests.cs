using System.Diagnostics;
using System.Globalization;
using System.Text;
using LlmChains.Gguf;

namespace LlmChains.Cli.Tests.Reliability;

/// <summary>
/// A seeded fuzz of the tool: a few hundred hostile invocations (numbers in other notations, values out of range, sizes
/// beyond any memory, malformed MatrixMarket, .npy, n-gram and GGUF files, misspelt commands and options, conflicting
/// options). Every case is built to be invalid, and each must end with exit code 1 or 2, one clean line on stderr (no
/// stack trace, no .NET text), nothing on stdout, no output file (plots and CSVs are requested into a fresh folder),
/// within a bounded time and memory.
/// </summary>
public sealed class CliFuzzTests
{
    private const int Seed = 20261202;
    private const string FilePlaceholder = "{file}";
    private const string OutputPlaceholder = "{out}";

    private static readonly Lazy<IReadOnlyList<FuzzCase>> AllCases = new(() => Generate(new Random(Seed)));

    public static TheoryData<int, string> Cases()
    {
        var data = new TheoryData<int, string>();
        for (int i = 0; i < AllCases.Value.Count; i++)
        {
            data.Add(i, AllCases.Value[i].Describe());
        }

        return data;
    }

    [Fact]
    public void Generator_CoversEveryCategoryWithAFewHundredCases()
    {
        var cases = AllCases.Value;
        cases.Count.Should().BeInRange(300, 600);
        cases.Select(c => c.Category).Distinct().Should().BeEquivalentTo(["number", "range", "size", "mtx", "npy", "ngram", "gguf", "native", "typo", "conflict"]);
    }

    [Fact]
    public void NativeLoaderControl_TheUnmutatedTinyModelLoadsWithTheSameArguments()
    {
        string folder = Directory.CreateTempSubdirectory("llmchains-fuzz-").FullName;
        try
        {
            string path = Path.Combine(folder, "tiny.gguf");
            File.WriteAllBytes(path, TinyLlama.Build(5).ToBytes());
            var (code, output, error) = CliRunner.Run("analyze", "--model", "gguf:" + path, "--tokens", "digits:2", "--context", "2", "--json");

            code.Should().Be(0, "the native cases fail because of their one mutated field; {0}", error);
            output.Should().Contain("\"vocabularySize\": 2");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void HostileInvocation_FailsCleanly(int index, string description)
    {
        var fuzz = AllCases.Value[index];
        string folder = Directory.CreateTempSubdirectory("llmchains-fuzz-").FullName;
        try
        {
            string output = Path.Combine(folder, "out");
            string? file = null;
            if (fuzz.File is { } content)
            {
                file = Path.Combine(folder, "input" + fuzz.Extension);
                File.WriteAllBytes(file, content);
            }

            string[] args = fuzz.Args.Select(a => a.Replace(FilePlaceholder, file ?? "/nonexistent", StringComparison.Ordinal).Replace(OutputPlaceholder, output, StringComparison.Ordinal)).ToArray();
            var clock = Stopwatch.StartNew();
            var (code, stdout, stderr) = CliRunner.Run(args);
            clock.Stop();

            code.Should().BeOneOf([1, 2], $"case {index} ({description}) must be refused; stderr: {stderr}");
            stdout.Should().BeEmpty(description);
            FuzzOracle.ShouldBeCleanOneLine(stderr);
            (Directory.Exists(output) ? Directory.GetFileSystemEntries(output) : []).Should().BeEmpty($"case {index} leaves no output file");
            Directory.GetFiles(folder).Where(f => f != file).Should().BeEmpty();
            clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(30), description);
            Process.GetCurrentProcess().PeakWorkingSet64.Should().BeLessThan(6L << 30, "no case allocates what it is refused");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>One invocation; {file} is replaced by the path of <see cref="File"/> written with <see cref="Extension"/>, {out} by a fresh folder.</summary>
    internal sealed record FuzzCase(string Category, string[] Args, string Extension = "", byte[]? File = null)
    {
        public string Describe()
        {
            string args = string.Join(' ', Args.Select(a => a.Length == 0 || a.Contains(' ', StringComparison.Ordinal) ? $"'{a}'" : a));
            return File is null ? $"{Category}: {args}" : $"{Category}: {args} [{File.Length} B]";
        }
    }

    private static List<FuzzCase> Generate(Random random)
    {
        var cases = new List<FuzzCase>();
        cases.AddRange(BadNumbers(random, 90));
        cases.AddRange(OutOfRange());
        cases.AddRange(HugeSizes(random, 50));
        cases.AddRange(MatrixFiles(random, 40));
        cases.AddRange(NpyFiles());
        cases.AddRange(NGramFiles());
        cases.AddRange(GgufFiles(random, 30));
        cases.AddRange(NativeLoaderFields());
        cases.AddRange(Typos(random, 40));
        cases.AddRange(Conflicts());
        return cases;
    }

    /// <summary>(command prefix, option, whether it takes a whole number) for the numeric options of every command.</summary>
    private static readonly (string[] Command, string Option, bool Integer)[] NumericOptions =
    [
        (["analyze", "--model", "uniform"], "--temperature", false),
        (["analyze", "--model", "uniform"], "--tv-steps", true),
        (["analyze", "--model", "uniform"], "--sample", true),
        (["analyze", "--model", "uniform"], "--confidence", false),
        (["analyze", "--model", "uniform"], "--burn-in", true),
        (["analyze", "--model", "uniform"], "--sample-seed", true),
        (["analyze", "--model", "uniform"], "--max-loop-period", true),
        (["analyze", "--model", "uniform"], "--projection-tokens", true),
        (["analyze", "--model", "uniform"], "--vocab", true),
        (["analyze", "--model", "uniform"], "--context", true),
        (["analyze", "--model", "uniform"], "--top-k", true),
        (["analyze", "--model", "uniform"], "--top-p", false),
        (["analyze", "--model", "uniform"], "--min-p", false),
        (["analyze", "--model", "random"], "--seed", true),
        (["analyze", "--model", "random"], "--logit-scale", false),
        (["analyze", "--model", "uniform"], "--threads", true),
        (["sweep", "--model", "uniform"], "--context", true),
        (["icl"], "--states", true),
        (["icl"], "--length", true),
        (["icl"], "--repetitions", true),
        (["icl"], "--alpha", false),
        (["icl", "--chain", "clique"], "--eta", false),
        (["icl", "--chain", "clique"], "--perturbation", false),
        (["icl"], "--points", true),
        (["icl"], "--confidence", false),
        (["icl"], "--delta", false),
        (["icl"], "--unembedding-norm", false),
        (["icl"], "--threads", true),
        (["bounds", "pretrain", "--vocab", "10"], "--unembedding-norm", false),
        (["bounds", "pretrain", "--unembedding-norm", "1"], "--vocab", true),
        (["bounds", "pretrain", "--vocab", "10", "--unembedding-norm", "1"], "--tokens", false),
        (["bounds", "pretrain", "--vocab", "10", "--unembedding-norm", "1"], "--min-prob", false),
        (["bounds", "pretrain", "--vocab", "10", "--unembedding-norm", "1"], "--delta", false),
        (["bounds", "catalog"], "--temperature", false),
        (["bounds", "icl", "--states", "3", "--min-prob", "0.1", "--t-min", "5"], "--unembedding-norm", false),
    ];

    private static readonly string[] NotNumbers = ["1,5", "0,5", "1.000,5", "1,000", "NaN", "-Infinity", "Infinity", "∞", "1e999", "0x1F", "1_0", "½", "١٢", "1e", "abc", "5%", "1 2", "−1", "0.5.5", "e5", ".", "+-1", "1e+"];

    private static readonly string[] NotIntegers = ["2.5", "1.000", "2147483648", "-2147483649", "1e10", "1e-3", "3.0"];

    private static IEnumerable<FuzzCase> BadNumbers(Random random, int count)
    {
        for (int i = 0; i < count; i++)
        {
            var (command, option, integer) = NumericOptions[random.Next(NumericOptions.Length)];
            string[] pool = integer && random.Next(3) == 0 ? NotIntegers : NotNumbers;
            yield return new FuzzCase("number", [.. command, option, pool[random.Next(pool.Length)]]);
        }
    }

    private static IEnumerable<FuzzCase> OutOfRange()
    {
        string[] analyze = ["analyze", "--model", "uniform", "--plot", OutputPlaceholder + "/a.png"];
        string[][] cases =
        [
            [.. analyze, "--temperature", "-1"], [.. analyze, "--tv-steps", "-1"], [.. analyze, "--sample", "-1"],
            [.. analyze, "--confidence", "1"], [.. analyze, "--confidence", "0"], [.. analyze, "--burn-in", "-1"],
            [.. analyze, "--max-loop-period", "0"], [.. analyze, "--projection-tokens", "0"], [.. analyze, "--vocab", "0"],
            [.. analyze, "--context", "0"], [.. analyze, "--context", "-3"], [.. analyze, "--top-k", "0"], [.. analyze, "--top-p", "0"],
            [.. analyze, "--top-p", "1.5"], [.. analyze, "--min-p", "2"], [.. analyze, "--min-p", "-0.5"], [.. analyze, "--threads", "0"],
            [.. analyze, "--threads", "100000"], [.. analyze, "--threads", "2000000000"], [.. analyze, "--logit-scale", "1"], ["analyze", "--model", "random", "--logit-scale", "-1"], ["analyze", "--seed", "3"],
            ["analyze", "--model", "uniform", "--tokens", "0,1"], ["icl", "--alpha", "2"], ["icl", "--eta", "0.1"], ["icl", "--chain", "dirichlet", "--alpha", "-1"],
            ["analyze", "--model", "parity", "--vocab", "3"], ["analyze", "--vocab", "5"], ["analyze", "--precision", "float16"],
            ["analyze", "--model", "gguf:" + FilePlaceholder, "--threads", "100000"], ["analyze", "--model", "nosuchmodel"],
            ["analyze", "--model", "ngram:"], ["analyze", "--model", "table:/nonexistent.npy"], ["analyze", "--matrix", "/nonexistent.mtx"],
            ["sweep", "--temperatures", "0.5,-1"], ["sweep", "--temperatures", ","], ["sweep", "--temperatures", "1,NaN"],
            ["icl", "--states", "1"], ["icl", "--states", "0"], ["icl", "--length", "1"], ["icl", "--repetitions", "0"], ["icl", "--alpha", "-1"],
            ["icl", "--chain", "clique", "--eta", "1"], ["icl", "--chain", "clique", "--perturbation", "0.5"], ["icl", "--points", "0"],
            ["icl", "--confidence", "1.5"], ["icl", "--delta", "0"], ["icl", "--unembedding-norm", "-1"], ["icl", "--threads", "0"],
            ["icl", "--chain", "tmin:-5-10"], ["icl", "--chain", "tmin:10-5"], ["icl", "--chain", "tmin:1"], ["icl", "--chain", "nosuch"],
            ["icl", "--start", "7"], ["icl", "--start", "-1"], ["icl", "--fit-range", "100-10"], ["icl", "--predictor", "bayes:x"],
            ["icl", "--predictor", "model:nothing"], ["icl", "--labels", "01"], ["icl", "--chain", "clique", "--labels", "012"], ["icl", "--chain", "brownian", "--states", "5"],
            ["icl", "--length", "50", "--repetitions", "2", "--csv", OutputPlaceholder + "/c.csv", "--plot", OutputPlaceholder + "/p.png", "--start", "9"],
            ["bounds", "pretrain", "--vocab", "0", "--unembedding-norm", "1"], ["bounds", "pretrain", "--vocab", "10", "--unembedding-norm", "-1"],
            ["bounds", "pretrain", "--vocab", "10", "--unembedding-norm", "1", "--temperature", "0"],
            ["bounds", "pretrain", "--vocab", "10", "--unembedding-norm", "1", "--min-prob", "0"],
            ["bounds", "pretrain", "--vocab", "10", "--unembedding-norm", "1", "--min-prob", "2"],
            ["bounds", "pretrain", "--vocab", "10", "--unembedding-norm", "1", "--gamma-norm", "0.5"],
            ["bounds", "pretrain", "--vocab", "10", "--unembedding-norm", "1", "--tokens", "0"],
            ["bounds", "pretrain", "--vocab", "10", "--unembedding-norm", "1", "--delta", "1"],
            ["bounds", "pretrain", "--vocab", "10", "--unembedding-norm", "1", "--epsilon", "0"],
            ["bounds", "pretrain", "--vocab", "10"], ["bounds", "depth", "--vocab", "10"],
            ["bounds", "icl", "--states", "3", "--min-prob", "0.5", "--unembedding-norm", "1", "--t-min", "5"],
            ["bounds", "icl", "--states", "3", "--min-prob", "0.1", "--unembedding-norm", "1", "--t-min", "0"],
            ["bounds", "icl", "--unembedding-norm", "1"], ["bounds", "catalog", "--delta", "2", "--plot", OutputPlaceholder + "/cat.png"],
            ["bounds", "catalog", "--epsilon", "-1"], ["analyze", "--max-memory", "0"], ["analyze", "--max-memory", "12Q"],
            ["analyze", "--max-memory", "1,5G"],
        ];
        return cases.Select(c => new FuzzCase("range", c, ".gguf", [0x47, 0x47, 0x55, 0x46]));
    }

    private static IEnumerable<FuzzCase> HugeSizes(Random random, int count)
    {
        string[] budget = ["--max-memory", "256M"];
        for (int i = 0; i < count; i++)
        {
            long big = (long)Math.Round(Math.Exp(random.NextDouble() * (Math.Log(int.MaxValue) - Math.Log(1e8)) + Math.Log(1e8)));
            big = Math.Min(big, int.MaxValue);
            string n = big.ToString(CultureInfo.InvariantCulture);
            string[] args = (i % 10) switch
            {
                0 => ["analyze", "--model", "uniform", "--context", random.Next(30, int.MaxValue).ToString(CultureInfo.InvariantCulture)],
                1 => ["analyze", "--model", "random", "--vocab", n, "--context", "1"],
                2 => ["analyze", "--model", "uniform", "--sample", n],
                3 => ["analyze", "--model", "uniform", "--tv-steps", n],
                4 => ["analyze", "--model", "uniform", "--sample", "10", "--max-loop-period", n],
                5 => ["icl", "--states", random.Next(5000, int.MaxValue).ToString(CultureInfo.InvariantCulture)],
                6 => ["icl", "--length", n],
                7 => ["icl", "--repetitions", n],
                8 => ["sweep", "--context", random.Next(30, int.MaxValue).ToString(CultureInfo.InvariantCulture)],
                _ => ["analyze", "--context", random.Next(30, int.MaxValue).ToString(CultureInfo.InvariantCulture), "--plot", OutputPlaceholder + "/x.png"],
            };
            yield return new FuzzCase("size", [.. args, .. budget]);
        }
    }

    private const string ValidMatrix = "%%MatrixMarket matrix coordinate real general\n3 3 5\n1 1 0.5\n1 2 0.5\n2 3 1\n3 1 0.25\n3 3 0.75\n";

    private static IEnumerable<FuzzCase> MatrixFiles(Random random, int count)
    {
        string[] lines = ValidMatrix.TrimEnd('\n').Split('\n');
        Func<string[], string>[] mutations =
        [
            l => string.Join('\n', l[..^1]),                                            // an entry missing
            l => Replace(l, 2 + random.Next(5), 2, random.Next(5) switch { 0 => "x1", 1 => "0,5", 2 => "NaN", 3 => "-0.5", _ => "1e999" }),
            l => Replace(l, 2 + random.Next(5), random.Next(2), random.Next(4) switch { 0 => "0", 1 => "4", 2 => "-1", _ => "99999999999" }),
            l => Replace(l, 1, 0, "2000000000") + "\n",                                // non-square
            l => string.Join('\n', l.Select((s, k) => k == 1 ? "2000000000 2000000000 5" : s)),
            l => string.Join('\n', l.Select((s, k) => k == 1 ? "3 3 2000000000" : s)),
            l => string.Join('\n', l.Select((s, k) => k == 0 ? "%%MatrixMarket matrix coordinate complex general" : s)),
            l => string.Join('\n', l.Skip(1)),                                          // no banner
            l => string.Join('\n', l.Select((s, k) => k == 2 ? "1 1 0.6" : s)),         // row 1 sums to 1.1
            l => string.Join('\n', l) + "\n3 2 0.1\n",                                  // data after the entries
            l => string.Join('\n', l.Take(1 + random.Next(2))),                         // cut before the entries
            l => "\u0000\u0001\u00ff garbage",
            l => string.Empty,
        ];
        for (int i = 0; i < count; i++)
        {
            string text = mutations[i % mutations.Length](lines);
            string[] args = (i % 4) switch
            {
                0 => ["analyze", "--matrix", FilePlaceholder, "--plot", OutputPlaceholder + "/m.png"],
                1 => ["analyze", "--matrix", FilePlaceholder, "--json"],
                2 => ["icl", "--chain", "matrix:" + FilePlaceholder, "--csv", OutputPlaceholder + "/m.csv"],
                _ => ["bounds", "icl", "--matrix", FilePlaceholder, "--unembedding-norm", "1"],
            };
            yield return new FuzzCase("mtx", args, ".mtx", Encoding.UTF8.GetBytes(text));
        }
    }

    private static string Replace(string[] lines, int line, int token, string value)
    {
        var copy = (string[])lines.Clone();
        var tokens = copy[line].Split(' ');
        tokens[Math.Min(token, tokens.Length - 1)] = value;
        copy[line] = string.Join(' ', tokens);
        return string.Join('\n', copy);
    }

    private static IEnumerable<FuzzCase> NpyFiles()
    {
        static byte[] Npy(string header, int dataBytes, byte magicLast = (byte)'Y')
        {
            string padded = header.PadRight(118) + "\n";
            var bytes = new List<byte> { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', magicLast, 1, 0, (byte)padded.Length, 0 };
            bytes.AddRange(Encoding.ASCII.GetBytes(padded));
            bytes.AddRange(new byte[dataBytes]);
            return [.. bytes];
        }

        byte[][] files =
        [
            Npy("{'descr': '<f8', 'fortran_order': False, 'shape': (14, 2), }", 14 * 2 * 8, (byte)'X'),
            Npy("{'descr': '<f8', 'fortran_order': False, 'shape': (14, 2), }", 10),
            Npy("{'descr': '<f8', 'fortran_order': False, 'shape': (2000000000, 2000000000), }", 16),
            Npy("{'descr': '<c16', 'fortran_order': False, 'shape': (14, 2), }", 14 * 2 * 16),
            [.. Npy("{'descr': '<f8', 'fortran_order': False, 'shape': (14, 2), }", 0), .. Enumerable.Repeat((byte)0xFF, 14 * 2 * 8)], // NaN logits
            Npy("{'descr': '<f8', 'fortran_order': False, 'shape': (13, 2), }", 13 * 2 * 8),
            Npy("{'descr': '<f8', 'fortran_order': False, 'shape': (14, 2, 1), }", 14 * 2 * 8),
            Npy("{'descr': '<f8', 'fortran_order': False, 'shape': (-14, 2), }", 14 * 2 * 8),
            Npy("{'descr': '<f8', 'fortran_order': False, 'shape': (14, 0), }", 0),
            Npy("not a dictionary", 0),
            [0x93, (byte)'N', (byte)'U'],
        ];
        foreach (byte[] file in files)
        {
            yield return new FuzzCase("npy", ["analyze", "--model", "table:" + FilePlaceholder, "--plot", OutputPlaceholder + "/t.png"], ".npy", file);
            yield return new FuzzCase("npy", ["icl", "--predictor", "model:table:" + FilePlaceholder, "--length", "50", "--repetitions", "2"], ".npy", file);
        }
    }

    private static IEnumerable<FuzzCase> NGramFiles()
    {
        (string Text, string[] Extra)[] files =
        [
            ("0 1 x 1", []), ("0 1 -1 0", []), ("1,0.5,1", []), (string.Empty, []), ("0", []), ("0 99999999999 1", []),
            ("\u0000\u0001\u0002", []), ("0 12 5 12", ["--vocab", "10"]), ("12\n5\n0\n12", []), ("0 1 1 0 2", ["--vocab", "2"]),
            ("0110 1", ["--vocab", "2"]), ("٠١", []),
        ];
        foreach (var (text, extra) in files)
        {
            yield return new FuzzCase("ngram", ["analyze", "--model", "ngram:" + FilePlaceholder, "--plot", OutputPlaceholder + "/n.png", .. extra], ".txt", Encoding.UTF8.GetBytes(text));
            yield return new FuzzCase("ngram", ["sweep", "--model", "ngram:" + FilePlaceholder, .. extra], ".txt", Encoding.UTF8.GetBytes(text));
        }
    }

    private static IEnumerable<FuzzCase> GgufFiles(Random random, int count)
    {
        byte[] valid = TinyLlama.Build(3).ToBytes();
        for (int i = 0; i < count; i++)
        {
            byte[] file = (i % 3) switch
            {
                0 => valid[..random.Next(0, Math.Min(valid.Length - 1, 4096))],   // cut inside the header and tensor table
                1 => [.. "GGUX"u8, .. valid[4..]],                                 // wrong magic
                _ => valid[..random.Next(valid.Length / 2, valid.Length - 1)],     // cut inside the tensor data
            };
            // Only the pure-C# reader: a native load of a file cut inside the tensor data is covered in the adapter's own fuzz.
            string[] args = i % 3 == 2
                ? ["bounds", "pretrain", "--gguf", FilePlaceholder]
                : i % 2 == 0 ? ["bounds", "pretrain", "--gguf", FilePlaceholder, "--json"] : ["analyze", "--model", "gguf:" + FilePlaceholder, "--plot", OutputPlaceholder + "/g.png"];
            yield return new FuzzCase("gguf", args, ".gguf", file);
        }
    }

    /// <summary>
    /// Hyper-parameters the reader accepts but llama.cpp asserts on (the process would abort): each must be refused
    /// before the native load, so these run in process. The adapter's own fuzz loads ~400 variants in a child process.
    /// </summary>
    private static IEnumerable<FuzzCase> NativeLoaderFields()
    {
        (string Key, GgufValueType Type, object Value)[] fields =
        [
            ("llama.block_count", GgufValueType.UInt32, 0u), ("llama.block_count", GgufValueType.UInt32, 513u),
            ("llama.block_count", GgufValueType.UInt32, uint.MaxValue), ("llama.attention.layer_norm_rms_epsilon", GgufValueType.Float32, float.NaN),
            ("llama.attention.layer_norm_rms_epsilon", GgufValueType.Float32, -1e-5f), ("llama.rope.freq_base", GgufValueType.Float32, 0f),
            ("llama.rope.freq_base", GgufValueType.Float32, float.NaN), ("llama.expert_count", GgufValueType.UInt32, 513u),
            ("llama.rope.scaling.type", GgufValueType.String, "bogus"), ("llama.rope.scaling.attn_factor", GgufValueType.Float32, 1e30f),
            ("llama.feed_forward_length", GgufValueType.UInt32, 0u), ("llama.attention.head_count_kv", GgufValueType.UInt32, 3u),
        ];
        foreach (var (key, type, value) in fields)
        {
            byte[] file = TinyLlama.Build(5).Set(key, type, null, value).ToBytes();
            yield return new FuzzCase("native", ["analyze", "--model", "gguf:" + FilePlaceholder, "--tokens", "digits:2", "--context", "2", "--plot", OutputPlaceholder + "/n.png"], ".gguf", file);
        }
    }

    private static IEnumerable<FuzzCase> Typos(Random random, int count)
    {
        string[][] words =
        [
            ["analyze"], ["sweep"], ["bounds"], ["icl"], ["bounds", "pretrain"], ["bounds", "catalog"],
            ["analyze", "--temperature"], ["analyze", "--tv-steps"], ["icl", "--length"], ["sweep", "--temperatures"], ["bounds", "icl", "--states"],
        ];
        const string letters = "abcdefghijklmnopqrstuvwxyz-";
        for (int i = 0; i < count; i++)
        {
            string[] target = words[random.Next(words.Length)];
            string last = target[^1];
            var chars = new StringBuilder(last);
            int position = random.Next(last.StartsWith("--", StringComparison.Ordinal) ? 2 : 0, last.Length);
            switch (random.Next(3))
            {
                case 0: chars.Remove(position, 1); break;
                case 1: chars.Insert(position, letters[random.Next(letters.Length)]); break;
                default: chars[position] = chars[position] == 'q' ? 'z' : 'q'; break;
            }

            string typo = chars.ToString();
            if (typo == last || typo.Length == 0 || typo is "-" or "--")
            {
                typo = last + "x";
            }

            string[] args = last.StartsWith("--", StringComparison.Ordinal) ? [.. target[..^1], typo, "1"] : [.. target[..^1], typo];
            yield return new FuzzCase("typo", args);
        }
    }

    private static IEnumerable<FuzzCase> Conflicts()
    {
        string[][] cases =
        [
            ["analyze", "--matrix", FilePlaceholder, "--model", "uniform"], ["analyze", "--matrix", FilePlaceholder, "--projection-tokens", "2"],
            ["bounds", "pretrain", "--gguf", FilePlaceholder, "--vocab", "10"], ["bounds", "icl", "--matrix", FilePlaceholder, "--states", "3", "--unembedding-norm", "1"],
            ["bounds", "pretrain", "--vocab", "10", "--unembedding-norm", "1", "--gamma-matrix", FilePlaceholder, "--gamma-norm", "2"],
            ["icl", "--chain", "constrained", "--resample-chain"], ["icl", "--chain", "brownian", "--start", "0"],
            ["icl", "--x-axis", "sideways"], ["icl", "--metric", "median"], ["analyze", "--json", "--json", "extra"],
            ["export"], ["export", "--model", "uniform", "--context", "40", "--matrix-out", OutputPlaceholder + "/c.mtx"],
            ["export", "--precision", "float32", "--matrix-out", OutputPlaceholder + "/c.mtx"],
            ["export", "--matrix", FilePlaceholder, "--matrix-out", OutputPlaceholder + "/c.mtx"],
            ["export", "--model", "uniform", "--logit-scale", "2", "--logits-out", OutputPlaceholder + "/l.npy"],
            ["export", "--temperature", "0,7", "--matrix-out", OutputPlaceholder + "/c.mtx"],
            ["gguf"], ["gguf", "tiny"], ["gguf", "tiny", OutputPlaceholder + "/t.gguf", "--seed", "1,5"], ["gguf", "huge", OutputPlaceholder + "/t.gguf"],
            ["gguf", "tiny", OutputPlaceholder + "/t.gguf", "--max-memory", "12Q"],
        ];
        return cases.Select(c => new FuzzCase("conflict", c, ".mtx", Encoding.UTF8.GetBytes(ValidMatrix)));
    }
}
