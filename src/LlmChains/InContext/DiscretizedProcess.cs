using System.Globalization;
using LlmChains.InContext.Internals;
using MathNet.Numerics.Distributions;

namespace LlmChains.InContext;

/// <summary>
/// A continuous process sampled, rescaled and written at a fixed number of digits, as in Liu et al.'s dynamical-system
/// experiments (the paper's Fig. 7 right and App. D.5): the series is min–max rescaled into [lower, upper] (default
/// [0.15, 0.85]), each
/// value becomes the code ⌊y·10^D⌋ clamped to [round(lower·10^D), round(upper·10^D) − 1], and the codes are the states.
/// With the defaults that is exactly the 700 states "150" … "849" of the paper's "700-state Brownian motion".
/// </summary>
/// <remarks>
/// <para><see cref="Chain"/> is the one-step transition law of the process on these states: from state s the next
/// rescaled value has the process's exact conditional law started at the centre of bin s (Gaussian for Brownian motion,
/// Ornstein–Uhlenbeck and the uncorrelated Gaussian, log-normal for geometric Brownian motion, uniform for the
/// uncorrelated uniform), discretised onto the bins by CDF differences (as Liu et al. discretise their true
/// transition) and renormalised over the bins of the range (the law truncated to the range: the rescaled series
/// never leaves it).</para>
/// <para>The state path <see cref="States"/> is the discretised series itself, not a sample of <see cref="Chain"/>; it
/// is the prompt of the experiment and <see cref="Chain"/> gives the true next-state row at each position.</para>
/// </remarks>
public sealed class DiscretizedProcess
{
    private readonly double[] _series;
    private readonly double[] _rescaled;
    private readonly int[] _codes;
    private readonly int[] _states;

    private DiscretizedProcess(
        ContinuousProcessOptions options,
        double[] series,
        double[] rescaled,
        int[] codes,
        int[] states,
        int minimumCode,
        int maximumCode,
        double scale,
        double offset,
        GeneratedChain chain)
    {
        Options = options;
        _series = series;
        _rescaled = rescaled;
        _codes = codes;
        _states = states;
        MinimumCode = minimumCode;
        MaximumCode = maximumCode;
        Scale = scale;
        Offset = offset;
        Chain = chain;
    }

    /// <summary>The parameters.</summary>
    public ContinuousProcessOptions Options { get; }

    /// <summary>The raw series x_0 … x_{Steps−1}.</summary>
    public IReadOnlyList<double> Series => _series;

    /// <summary>The rescaled series y_t = <see cref="Offset"/> + <see cref="Scale"/>·x_t, in [lower, upper].</summary>
    public IReadOnlyList<double> Rescaled => _rescaled;

    /// <summary>The written values (codes), e.g. 150 … 849.</summary>
    public IReadOnlyList<int> Codes => _codes;

    /// <summary>The state path: code − <see cref="MinimumCode"/>, in 0..d−1.</summary>
    public ReadOnlySpan<int> States => _states;

    /// <summary>The smallest code (state 0), e.g. 150.</summary>
    public int MinimumCode { get; }

    /// <summary>The largest code (state d − 1), e.g. 849.</summary>
    public int MaximumCode { get; }

    /// <summary>The number of states d = <see cref="MaximumCode"/> − <see cref="MinimumCode"/> + 1 (700 by default).</summary>
    public int StateCount => MaximumCode - MinimumCode + 1;

    /// <summary>b of the rescaling y = a + b·x.</summary>
    public double Scale { get; }

    /// <summary>a of the rescaling y = a + b·x.</summary>
    public double Offset { get; }

    /// <summary>
    /// The one-step transition law on the d states, labels the codes written with
    /// <see cref="ContinuousProcessOptions.Digits"/> digits.
    /// </summary>
    public GeneratedChain Chain { get; }

    /// <summary>The series as Liu et al. write it: the codes joined by "," with a final ",", e.g. "532,150,".</summary>
    /// <returns>The text.</returns>
    public string ToPromptText() => string.Concat(_states.Select(s => Chain.Labels[s] + ","));

    /// <summary>Samples the process and discretises it.</summary>
    /// <param name="options">The process and its parameters (validated).</param>
    /// <param name="random">The random source.</param>
    /// <returns>The discretised process.</returns>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    public static DiscretizedProcess Generate(ContinuousProcessOptions options, Random random)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(random);
        options.Validate();
        double[] series = Sample(options, random);
        double min = series.Min();
        double max = series.Max();
        double scale = max > min ? (options.Upper - options.Lower) / (max - min) : 0;
        double offset = options.Lower - (scale * min);
        double unit = Math.Pow(10, options.Digits);
        int minCode = (int)Math.Round(options.Lower * unit);
        int maxCode = (int)Math.Round(options.Upper * unit) - 1;
        var rescaled = new double[series.Length];
        var codes = new int[series.Length];
        var states = new int[series.Length];
        for (int t = 0; t < series.Length; t++)
        {
            double y = scale > 0 ? Math.Clamp(
                offset + (scale * series[t]),
                options.Lower,
                options.Upper) : 0.5 * (options.Lower + options.Upper);
            rescaled[t] = y;
            codes[t] = Math.Clamp((int)Math.Floor(y * unit), minCode, maxCode);
            states[t] = codes[t] - minCode;
        }

        var chain = BuildChain(options, scale, offset, minCode, maxCode, unit);
        return new DiscretizedProcess(options, series, rescaled, codes, states, minCode, maxCode, scale, offset, chain);
    }

    /// <summary>Seeded form of <see cref="Generate(ContinuousProcessOptions, Random)"/>.</summary>
    /// <param name="options">The process and its parameters.</param>
    /// <param name="seed">Seed of <see cref="Random"/>.</param>
    /// <returns>The discretised process.</returns>
    public static DiscretizedProcess Generate(ContinuousProcessOptions options, int seed) => Generate(options, new Random(seed));

    /// <summary>A short description of the process, e.g. "Brownian motion (σ = 0.8, Δt = 0.2) at 3 digits, 700 states".</summary>
    /// <param name="options">The parameters.</param>
    /// <returns>The description.</returns>
    public static string Describe(ContinuousProcessOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        double unit = Math.Pow(10, options.Digits);
        int d = (int)Math.Round(options.Upper * unit) - (int)Math.Round(options.Lower * unit);
        string process = options.Kind switch
        {
            ContinuousProcess.BrownianMotion => InContextGuard.Inv(
                $"Brownian motion (μ = {options.Drift:G4}, σ = {options.Sigma:G4}, Δt = {options.TimeStep:G4})"),
            ContinuousProcess.OrnsteinUhlenbeck => InContextGuard.Inv(
                $"Ornstein–Uhlenbeck (θ = {options.Theta:G4}, σ = {options.Sigma:G4}, Δt = {options.TimeStep:G4})"),
            ContinuousProcess.GeometricBrownianMotion => InContextGuard.Inv(
                $"geometric Brownian motion (μ = {options.Drift:G4}, σ = {options.Sigma:G4}, x0 = " +
                $"{options.InitialValue:G4}, Δt = {options.TimeStep:G4})"),
            ContinuousProcess.UncorrelatedGaussian => InContextGuard.Inv($"uncorrelated Gaussian (σ = {options.Sigma:G4})"),
            _ => "uncorrelated uniform U(0, 1)",
        };
        return InContextGuard.Inv($"{process} in [{options.Lower:G4}, {options.Upper:G4}] at {options.Digits} digits, {d} states");
    }

    private static double[] Sample(ContinuousProcessOptions o, Random random)
    {
        var x = new double[o.Steps];
        double dt = o.TimeStep;
        double sqrtDt = Math.Sqrt(dt);
        double decay = Math.Exp(-o.Theta * dt);
        double ouSd = o.Sigma * Math.Sqrt(-double.ExpM1(-2 * o.Theta * dt) / (2 * o.Theta));
        double gbmMean = (o.Drift - (0.5 * o.Sigma * o.Sigma)) * dt;
        for (int t = 0; t < x.Length; t++)
        {
            double previous = t == 0 ? o.InitialValue : x[t - 1];
            x[t] = o.Kind switch
            {
                ContinuousProcess.UncorrelatedGaussian => o.Sigma * Normal.Sample(random, 0, 1),
                ContinuousProcess.UncorrelatedUniform => random.NextDouble(),
                _ when t == 0 => o.InitialValue,
                ContinuousProcess.BrownianMotion => previous + (o.Drift * dt) + (o.Sigma * sqrtDt * Normal.Sample(random, 0, 1)),
                ContinuousProcess.OrnsteinUhlenbeck => (previous * decay) + (ouSd * Normal.Sample(random, 0, 1)),
                _ => previous * Math.Exp(gbmMean + (o.Sigma * sqrtDt * Normal.Sample(random, 0, 1))),
            };
        }

        return x;
    }

    private static GeneratedChain BuildChain(ContinuousProcessOptions o, double b, double a, int minCode, int maxCode, double unit)
    {
        int d = maxCode - minCode + 1;
        var edges = new double[d + 1];
        for (int j = 0; j <= d; j++)
        {
            edges[j] = (minCode + j) / unit;
        }

        var labels = new string[d];
        string format = "D" + o.Digits.ToString(CultureInfo.InvariantCulture);
        for (int s = 0; s < d; s++)
        {
            labels[s] = (minCode + s).ToString(format, CultureInfo.InvariantCulture);
        }

        var matrix = new double[d, d];
        var row = new double[d];
        var z = new double[d + 1];
        double dt = o.TimeStep;
        for (int s = 0; s < d; s++)
        {
            double centre = (minCode + s + 0.5) / unit;
            double x = b > 0 ? (centre - a) / b : 0;
            if (b <= 0)
            {
                row.AsSpan().Clear();
                row[s] = 1;
            }
            else
            {
                switch (o.Kind)
                {
                    case ContinuousProcess.UncorrelatedUniform:
                        for (int j = 0; j < d; j++)
                        {
                            double overlap = Math.Min(edges[j + 1], a + b) - Math.Max(edges[j], a);
                            row[j] = Math.Max(0, overlap) / b;
                        }

                        break;
                    case ContinuousProcess.GeometricBrownianMotion:
                        {
                            double m = (o.Drift - (0.5 * o.Sigma * o.Sigma)) * dt;
                            double sd = o.Sigma * Math.Sqrt(dt);
                            for (int j = 0; j <= d; j++)
                            {
                                double ratio = (edges[j] - a) / (b * x);
                                z[j] = ratio > 0 ? (Math.Log(ratio) - m) / sd : double.NegativeInfinity;
                            }

                            Intervals(z, row);
                            break;
                        }

                    default:
                        {
                            (double Mean, double Sd) law = o.Kind switch
                            {
                                ContinuousProcess.BrownianMotion => (centre + (b * o.Drift * dt), b * o.Sigma * Math.Sqrt(dt)),
                                ContinuousProcess.OrnsteinUhlenbeck => (
                                    a + (b * x * Math.Exp(-o.Theta * dt)),
                                    b * o.Sigma * Math.Sqrt(-double.ExpM1(-2 * o.Theta * dt) / (2 * o.Theta))),
                                _ => (a, b * o.Sigma),
                            };
                            for (int j = 0; j <= d; j++)
                            {
                                z[j] = (edges[j] - law.Mean) / law.Sd;
                            }

                            Intervals(z, row);
                            break;
                        }
                }

                if (DenseRows.Normalize(row) == 0)
                {
                    // the whole law lies outside the range (numerically): keep the nearest bin
                    row.AsSpan().Clear();
                    row[s] = 1;
                }
            }

            for (int j = 0; j < d; j++)
            {
                matrix[s, j] = row[j];
            }
        }

        return new GeneratedChain(matrix, labels, Describe(o), tolerance: 1e-9);
    }

    private static void Intervals(ReadOnlySpan<double> z, Span<double> row)
    {
        for (int j = 0; j < row.Length; j++)
        {
            row[j] = NormalCdf.Interval(z[j], z[j + 1]);
        }
    }
}
