using System.Globalization;
using System.Text.RegularExpressions;
using LlmChains.Cli.Parsing;
using LlmChains.Chains;
using LlmChains.Cli.Commands.Shared;
using LlmChains.InContext;

namespace LlmChains.Cli.Commands.Icl;

/// <summary>Turns <c>--chain</c> and its parameters into a chain source for <c>llmchains icl</c>.</summary>
internal static partial class IclChainSpec
{
    public const string Help = "random | dirichlet | constrained | polygonal | clique | tmin:LO-HI | brownian | ou | gbm | gaussian-noise "
        + "| uniform-noise | matrix:FILE.mtx (default random: rows U(0,1) normalised, Liu et al.)";

    /// <summary>The largest MatrixMarket chain accepted (dense rows).</summary>
    private const int MaxMatrixStates = 2048;

    /// <summary>The chain options of the command line.</summary>
    /// <param name="Spec">The --chain value.</param>
    /// <param name="States">--states, or null for the chain's default.</param>
    /// <param name="Alpha">Dirichlet α.</param>
    /// <param name="Eta">η of the clique chain.</param>
    /// <param name="Labels">τ of the clique chain as 0s and 1s, or null.</param>
    /// <param name="Perturbation">ε of the clique chain.</param>
    /// <param name="Resample">Whether to draw a new chain per repetition.</param>
    /// <param name="Start">X_1, or null for a uniformly drawn start.</param>
    /// <param name="StartGiven">Whether --start was given (a process has no start to choose).</param>
    /// <param name="Seed">The seed of a fixed random chain.</param>
    public sealed record Parameters(
        string Spec,
        int? States,
        double Alpha,
        double Eta,
        string? Labels,
        double Perturbation,
        bool Resample,
        int? Start,
        bool StartGiven,
        int Seed);

    /// <summary>The source, and the chain when it is the same for every repetition.</summary>
    public static (IChainSource Source, GeneratedChain? FixedChain) Create(Parameters p)
    {
        int colon = p.Spec.IndexOf(':', StringComparison.Ordinal);
        string kind = (colon < 0 ? p.Spec : p.Spec[..colon]).Trim().ToLowerInvariant();
        string? argument = colon < 0 ? null : p.Spec[(colon + 1)..].Trim();
        int d = p.States ?? DefaultStateCount(p.Spec);
        switch (kind)
        {
            case "random" when argument is null:
                CheckStates(d);
                return Random(p, d, "random (uniform-normalised rows, d = {0})", random => ChainGenerators.UniformRows(d, random));
            case "dirichlet" when argument is null:
                CheckStates(d);
                OptionCheck.Require(
                    OptionCheck.IsPositive(p.Alpha), "--alpha", $"The Dirichlet concentration α must be finite and > 0; got {p.Alpha}.");
                return Random(
                    p, d, "Dirichlet(α = " + p.Alpha.ToString("G4", CultureInfo.InvariantCulture) + ") rows, d = {0}",
                    random => ChainGenerators.Dirichlet(d, p.Alpha, random));
            case "tmin" when !string.IsNullOrEmpty(argument):
                var (lo, hi) = ParseRange(argument, "--chain tmin:LO-HI");
                CheckStates(d);
                OptionCheck.Require(
                    lo >= 4 && !double.IsInfinity(lo),
                    "--chain",
                    $"The smallest t_min of a chain with two or more states is 4; the lower end must be finite and ≥ 4, got {lo}.");
                OptionCheck.Require(
                    hi >= lo && !double.IsInfinity(hi), "--chain", $"The upper end must be finite and ≥ the lower end {lo}; got {hi}.");
                string range = string.Create(CultureInfo.InvariantCulture, $"[{lo:G4}, {hi:G4}]");
                return Random(
                    p,
                    d,
                    "random with t_min in " + range + ", d = {0}",
                    random => ChainGenerators.WithMixingTimeInRange(d, lo, hi, random));
            case "constrained" when argument is null:
                CheckStates(d);
                return Deterministic(p, ChainGenerators.ConstrainedRandomWalk(d));
            case "polygonal" when argument is null:
                CheckStates(d);
                OptionCheck.Require(
                    d >= 3, "--states", $"The polygonal random walk needs d ≥ 3 states (for d = 2 the two neighbours coincide); got {d}.");
                return Deterministic(p, ChainGenerators.PolygonalRandomWalk(d));
            case "clique" when argument is null:
                var labels = ParseLabels(p.Labels);
                CheckClique(d, p.Eta, p.Perturbation, labels);
                return Deterministic(p, ChainGenerators.InnerCliqueOuterRim(d, p.Eta, labels, p.Perturbation));
            case "brownian" or "ou" or "gbm" or "gaussian-noise" or "uniform-noise" when argument is null:
                return Process(p, kind);
            case "matrix" when !string.IsNullOrEmpty(argument):
                return Deterministic(p, ReadMatrix(argument, p.States));
            default:
                throw new CliException($"--chain '{p.Spec}' is not one of {Help}", ExitCodes.UsageError);
        }
    }

    /// <summary>
    /// d when --states is not given: 9 for the clique chain, 700 for the processes, 3 otherwise (a matrix file: its own, at most 2,048).
    /// </summary>
    public static int DefaultStateCount(string spec)
    {
        int colon = spec.IndexOf(':', StringComparison.Ordinal);
        string kind = (colon < 0 ? spec : spec[..colon]).Trim().ToLowerInvariant();
        return kind switch
        {
            "clique" => 9,
            "brownian" or "ou" or "gbm" or "gaussian-noise" or "uniform-noise" => 700,
            "matrix" => MaxMatrixStates,
            _ => 3,
        };
    }

    /// <summary>d ≥ 2, and d×d within one array (the chains are stored densely).</summary>
    private static void CheckStates(int d)
    {
        OptionCheck.Require(d >= 2, "--states", $"The number of states d must be ≥ 2; got {d}.");
        OptionCheck.Require(
            (double)d * d <= Array.MaxLength,
            "--states",
            $"A dense chain of d = {d} states needs {(double)d * d:G3} entries; at most {Array.MaxLength:N0} fit in one array.");
    }

    /// <summary>X_1 in 0..d − 1 (or null: drawn uniformly).</summary>
    private static void CheckStart(int? start, int d)
        => OptionCheck.Require(start is null || (uint)start < (uint)d, "--start", $"The start state must be in 0..{d - 1}; got {start}.");

    /// <summary>The inner-clique/outer-rim chain's d = 3k (k ≥ 2), η ∈ (0, 3/4], ε ∈ [0, 1/4] and k labels.</summary>
    private static void CheckClique(int d, double eta, double perturbation, bool[]? labels)
    {
        CheckStates(d);
        OptionCheck.Require(
            d % 3 == 0 && d >= 6, "--states", $"The inner-clique/outer-rim chain needs d = 3k states with k ≥ 2 (6, 9, 12, …); got {d}.");
        OptionCheck.Require(
            eta > 0 && eta <= 0.75,
            "--eta",
            $"η must lie in (0, 3/4] (the clique self-loop is 3/4 − η, and η = 0 disconnects the clique); got {eta}.");
        OptionCheck.Require(
            perturbation >= 0 && perturbation <= 0.25,
            "--perturbation",
            $"The perturbation ε must lie in [0, 1/4] (entries (1 ± 4ε)/8 ≥ 0); got {perturbation}.");
        OptionCheck.Require(
            labels is null || labels.Length == d / 3,
            "--labels",
            $"The label vector τ must have d/3 = {d / 3} entries; got {labels?.Length}.");
    }

    private static (IChainSource, GeneratedChain?) Random(
        Parameters p, int d, string nameFormat, Func<System.Random, GeneratedChain> generator)
    {
        CheckStart(p.Start, d);
        if (p.Resample)
        {
            string name = string.Format(CultureInfo.InvariantCulture, nameFormat, d) + ", a new chain per repetition";
            return (ChainSource.Resampled(name, d, generator, p.Start), null);
        }

        var chain = generator(new System.Random(p.Seed));
        return (ChainSource.Fixed(chain, p.Start), chain);
    }

    private static (IChainSource, GeneratedChain?) Deterministic(Parameters p, GeneratedChain chain)
    {
        if (p.Resample)
        {
            throw new CliException(
                "--resample-chain applies to the random chains (random, dirichlet, tmin:…); this chain is deterministic",
                ExitCodes.UsageError);
        }

        CheckStart(p.Start, chain.StateCount);
        return (ChainSource.Fixed(chain, p.Start), chain);
    }

    private static (IChainSource, GeneratedChain?) Process(Parameters p, string kind)
    {
        var process = kind switch
        {
            "brownian" => ContinuousProcess.BrownianMotion,
            "ou" => ContinuousProcess.OrnsteinUhlenbeck,
            "gbm" => ContinuousProcess.GeometricBrownianMotion,
            "gaussian-noise" => ContinuousProcess.UncorrelatedGaussian,
            _ => ContinuousProcess.UncorrelatedUniform,
        };
        var source = ChainSource.Process(new ContinuousProcessOptions(process));
        if (p.States is { } d && d != source.StateCount)
        {
            throw new CliException(
                $"--states {d}: the discretised processes have {source.StateCount} states (values 150 … 849 at 3 digits); omit --states");
        }

        if (p.StartGiven)
        {
            throw new CliException("--start does not apply to a process: its path starts where the series does", ExitCodes.UsageError);
        }

        return (source, null);
    }

    private static GeneratedChain ReadMatrix(string path, int? states)
    {
        ModelSource.RequireFile(path);
        var sparse = MatrixMarket.Read(path);
        if (sparse.StateCount > MaxMatrixStates)
        {
            throw new CliException($"{path}: {sparse.StateCount} states; llmchains icl accepts chains of at most {MaxMatrixStates} states");
        }

        if (states is { } d && d != sparse.StateCount)
        {
            throw new CliException($"--states {d}: {path} has {sparse.StateCount} states");
        }

        int n = (int)sparse.StateCount;
        var dense = new double[n, n];
        var columns = new long[Math.Max(1, sparse.MaxRowNonZeros)];
        var values = new double[columns.Length];
        for (int i = 0; i < n; i++)
        {
            int count = sparse.GetRow(i, columns, values);
            for (int k = 0; k < count; k++)
            {
                dense[i, (int)columns[k]] = values[k];
            }
        }

        return new GeneratedChain(dense, name: $"{Path.GetFileName(path)} (d = {n})", tolerance: 1e-9);
    }

    private static bool[]? ParseLabels(string? labels)
    {
        if (labels is null)
        {
            return null;
        }

        string digits = labels.Replace(",", string.Empty, StringComparison.Ordinal).Trim();
        if (digits.Length == 0 || digits.Any(c => c is not ('0' or '1')))
        {
            throw new CliException($"--labels '{labels}': give the label vector τ as 0s and 1s, e.g. 011");
        }

        return digits.Select(c => c == '1').ToArray();
    }

    /// <summary>
    /// Reads "LO-HI" (or LO:HI, LO,HI, LO..HI): two numbers in the invariant culture, each with an optional sign, so that
    /// "-5-10" is −5 to 10 (and then refused by the caller's range check), never 5 to 10.
    /// </summary>
    internal static (double Low, double High) ParseRange(string text, string option)
    {
        var match = Range().Match(text);
        if (!match.Success
            || !InvariantNumber.TryParseDouble(match.Groups["lo"].Value, out double lo, out _)
            || !InvariantNumber.TryParseDouble(match.Groups["hi"].Value, out double hi, out _))
        {
            throw new CliException($"{option}: '{text}' is not a range LO-HI of two numbers (e.g. 40-48)", ExitCodes.UsageError);
        }

        if (hi < lo)
        {
            throw new CliException(
                string.Create(CultureInfo.InvariantCulture, $"{option}: '{text}' has LO = {lo} above HI = {hi}"), ExitCodes.UsageError);
        }

        return (lo, hi);
    }

    [GeneratedRegex(
        @"^\s*(?<lo>[+-]?[0-9.]+([eE][+-]?[0-9]+)?)\s*(-|:|,|\.\.)\s*(?<hi>[+-]?[0-9.]+([eE][+-]?[0-9]+)?)\s*\z",
        RegexOptions.CultureInvariant)]
    private static partial Regex Range();
}
