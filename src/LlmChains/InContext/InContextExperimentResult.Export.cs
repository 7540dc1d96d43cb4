using System.Globalization;
using System.Text;
using System.Text.Json;
using LlmChains.Analysis.Convergence;

namespace LlmChains.InContext;

public sealed partial class InContextExperimentResult
{
    /// <summary>The result as one JSON object (see <see cref="WriteJson"/>).</summary>
    /// <param name="indented">Whether to indent; default true.</param>
    /// <returns>The JSON text.</returns>
    public string ToJson(bool indented = true)
    {
        using var stream = new MemoryStream();
        WriteJson(stream, indented);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>
    /// Writes the result as one UTF-8 JSON object: the inputs (chain, stateCount, length, repetitions, seed,
    /// confidenceLevel, delta, unembeddingNorm, temperature, fitRange), contextLengths, contextOverTMin (or null), tMin
    /// (mean and per chain), theory (values or null), reference coefficients, predictors (each with perPosition and
    /// runningMean: mean, lower, upper, standardDeviation, fit), comparisons and notes. Non-finite numbers are written
    /// as null.
    /// </summary>
    /// <param name="stream">The destination.</param>
    /// <param name="indented">Whether to indent; default true.</param>
    public void WriteJson(Stream stream, bool indented = true)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = indented });
        w.WriteStartObject();
        w.WriteString("chain", ChainName);
        w.WriteNumber("stateCount", StateCount);
        w.WriteBoolean("chainIsFixed", ChainIsFixed);
        w.WriteNumber("length", Options.Length);
        w.WriteNumber("repetitions", Options.Repetitions);
        w.WriteNumber("seed", Options.Seed);
        w.WriteNumber("confidenceLevel", Options.ConfidenceLevel);
        w.WriteNumber("delta", Options.Delta);
        w.WriteNumber("unembeddingNorm", Options.UnembeddingNorm);
        w.WriteNumber("temperature", Options.Temperature);
        w.WriteStartObject("fitRange");
        w.WriteNumber("minimumLength", FitMinimumLength);
        w.WriteNumber("maximumLength", FitMaximumLength);
        w.WriteEndObject();
        w.WriteNumber("elapsedSeconds", Math.Round(Elapsed.TotalSeconds, 3));
        w.WriteStartArray("contextLengths");
        foreach (int n in _lengths)
        {
            w.WriteNumberValue(n);
        }

        w.WriteEndArray();
        w.WritePropertyName("contextOverTMin");
        if (MeanMixingTime is not null)
        {
            Numbers(w, GetAxis(RiskAxis.ContextOverMixingTime));
        }
        else
        {
            w.WriteNullValue();
        }

        w.WriteStartObject("tMin");
        Number(w, "mean", MeanMixingTime ?? double.NaN);
        w.WriteStartArray("chains");
        foreach (var c in Chains)
        {
            w.WriteStartObject();
            Number(w, "tMin", c.MixingTime);
            w.WriteBoolean("isFinite", !double.IsPositiveInfinity(c.MixingTime) && !double.IsNaN(c.MixingTime));
            if (c.TMinResult is { } t)
            {
                w.WriteNumber("attainedAt", t.AttainedAt);
                w.WriteBoolean("certified", t.IsCertified);
                w.WriteString("status", t.Status.ToString());
            }

            Number(w, "minTransitionProbability", c.MinimumTransitionProbability);
            Number(w, "boundConstant", c.Bound?.Constant ?? double.NaN);
            if (c.Note is not null)
            {
                w.WriteString("note", c.Note);
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
        w.WritePropertyName("theory");
        if (_theory is not null)
        {
            w.WriteStartObject();
            w.WriteString("formula", "B̄·√(t_min/N)·√log(2/δ) (Thm. 4.3), mean over chains");
            w.WriteNumber("chainCount", TheoryChainCount);
            w.WritePropertyName("values");
            Numbers(w, _theory);
            w.WriteEndObject();
        }
        else
        {
            w.WriteNullValue();
        }

        w.WriteStartObject("reference");
        w.WriteString("formula", "c·N^(−1/2)");
        Number(w, "perPosition", _referencePerPosition);
        Number(w, "runningMean", _referenceRunningMean);
        w.WriteEndObject();
        w.WriteStartArray("predictors");
        foreach (var p in Predictors)
        {
            w.WriteStartObject();
            w.WriteString("name", p.Name);
            Curve(w, "perPosition", p.PerPosition);
            Curve(w, "runningMean", p.RunningMean);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartArray("comparisons");
        foreach (var c in Comparisons)
        {
            w.WriteStartObject();
            w.WriteString("predictor", c.Predictor);
            w.WriteString("baseline", c.Baseline);
            Curve(w, "perPosition", c.PerPosition);
            Curve(w, "runningMean", c.RunningMean);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartArray("notes");
        foreach (string note in Notes)
        {
            w.WriteStringValue(note);
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <summary>
    /// Writes the curves as CSV in long format, one row per predictor (or comparison "A − B"), metric and context length:
    /// <c>series,metric,n,n_over_tmin,mean,lower,upper,sd,theory,reference</c> (invariant culture; empty cells for missing
    /// values; metric is per-position or running-mean).
    /// </summary>
    /// <param name="writer">The destination.</param>
    public void WriteCsv(TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteLine("series,metric,n,n_over_tmin,mean,lower,upper,sd,theory,reference");
        double[]? over = MeanMixingTime is null ? null : GetAxis(RiskAxis.ContextOverMixingTime);
        var series = Predictors.Select(p => (p.Name, (Func<RiskMetric, RiskCurve>)p.Get, true))
            .Concat(Comparisons.Select(c => ($"{c.Predictor} − {c.Baseline}", (Func<RiskMetric, RiskCurve>)c.Get, false)));
        foreach (var (name, get, isRisk) in series)
        {
            foreach (var metric in new[] { RiskMetric.PerPosition, RiskMetric.RunningMean })
            {
                var curve = get(metric);
                double[] reference = GetReferenceCurve(metric);
                for (int g = 0; g < _lengths.Length; g++)
                {
                    writer.Write(Quote(name));
                    writer.Write(metric == RiskMetric.RunningMean ? ",running-mean," : ",per-position,");
                    writer.Write(_lengths[g].ToString(CultureInfo.InvariantCulture));
                    Cell(writer, over?[g] ?? double.NaN);
                    Cell(writer, curve.Mean[g]);
                    Cell(writer, curve.Lower[g]);
                    Cell(writer, curve.Upper[g]);
                    Cell(writer, curve.StandardDeviation[g]);
                    Cell(writer, isRisk && _theory is not null ? _theory[g] : double.NaN);
                    Cell(writer, isRisk ? reference[g] : double.NaN);
                    writer.WriteLine();
                }
            }
        }
    }

    private static void Curve(Utf8JsonWriter w, string name, RiskCurve curve)
    {
        w.WriteStartObject(name);
        w.WritePropertyName("mean");
        Numbers(w, curve.Mean);
        w.WritePropertyName("lower");
        Numbers(w, curve.Lower);
        w.WritePropertyName("upper");
        Numbers(w, curve.Upper);
        w.WritePropertyName("standardDeviation");
        Numbers(w, curve.StandardDeviation);
        w.WritePropertyName("fit");
        if (curve.Fit is { } f)
        {
            w.WriteStartObject();
            Number(w, "slope", f.Slope);
            Number(w, "slopeStandardError", f.SlopeStandardError);
            Number(w, "slopeStandardErrorAcrossRepetitions", f.SlopeStandardErrorAcrossRepetitions ?? double.NaN);
            Number(w, "intercept", f.Intercept);
            Number(w, "coefficient", f.Coefficient);
            Number(w, "rSquared", f.RSquared);
            w.WriteNumber("pointCount", f.PointCount);
            Number(w, "minimumLength", f.MinimumLength);
            Number(w, "maximumLength", f.MaximumLength);
            w.WriteEndObject();
        }
        else
        {
            w.WriteNullValue();
        }

        w.WriteEndObject();
    }

    private static void Numbers(Utf8JsonWriter w, IReadOnlyList<double> values)
    {
        w.WriteStartArray();
        foreach (double v in values)
        {
            if (double.IsFinite(v))
            {
                w.WriteNumberValue(v);
            }
            else
            {
                w.WriteNullValue();
            }
        }

        w.WriteEndArray();
    }

    private static void Number(Utf8JsonWriter w, string name, double value)
    {
        if (double.IsFinite(value))
        {
            w.WriteNumber(name, value);
        }
        else
        {
            w.WriteNull(name);
        }
    }

    private static void Cell(TextWriter writer, double value)
    {
        writer.Write(',');
        if (double.IsFinite(value))
        {
            writer.Write(value.ToString("R", CultureInfo.InvariantCulture));
        }
    }

    private static string Quote(string text)
        => text.AsSpan().IndexOfAny(",\"\n\r") >= 0 ? "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : text;
}
