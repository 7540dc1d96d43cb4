using System.Collections.Concurrent;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using LlmChains.Analysis.Spectral.Internals;

namespace LlmChains.Benchmarks.Internals;

/// <summary>
/// A summary column filled from the value a benchmark method returns (the products, status or SLEM of a solve), so
/// that a time is never read without knowing what was computed. When the summary is printed, each benchmark case is
/// run once more in the host process (its parameters set, its global setup, the method, its global cleanup) and the
/// result is cached for every column of that case. Skipped for the Dry job (one cold invocation, no measurement),
/// which shows "-".
/// </summary>
public sealed class ResultColumn : IColumn
{
    private static readonly ConcurrentDictionary<string, Lazy<object?>> Results = new(StringComparer.Ordinal);
    private readonly Func<object, string> _format;

    /// <summary>Creates the column.</summary>
    /// <param name="columnName">The header.</param>
    /// <param name="legend">The legend line under the table.</param>
    /// <param name="format">Formats the benchmark method's return value.</param>
    public ResultColumn(string columnName, string legend, Func<object, string> format)
    {
        ColumnName = columnName;
        Legend = legend;
        _format = format;
    }

    /// <inheritdoc/>
    public string Id => "LlmChains.Result." + ColumnName;

    /// <inheritdoc/>
    public string ColumnName { get; }

    /// <inheritdoc/>
    public bool AlwaysShow => true;

    /// <inheritdoc/>
    public ColumnCategory Category => ColumnCategory.Custom;

    /// <inheritdoc/>
    public int PriorityInCategory => 0;

    /// <inheritdoc/>
    public bool IsNumeric => false;

    /// <inheritdoc/>
    public UnitType UnitType => UnitType.Dimensionless;

    /// <inheritdoc/>
    public string Legend { get; }

    /// <inheritdoc/>
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, summary.Style);

    /// <inheritdoc/>
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        ArgumentNullException.ThrowIfNull(benchmarkCase);
        if (benchmarkCase.Job.Run.RunStrategy == RunStrategy.ColdStart && benchmarkCase.Job.Run.IterationCount == 1)
        {
            return "-";
        }

        string key = benchmarkCase.Descriptor.Type.FullName + "." + benchmarkCase.Descriptor.WorkloadMethod.Name
            + "(" + benchmarkCase.Parameters.ValueInfo + ")";
        object? result = Results.GetOrAdd(key, _ => new Lazy<object?>(() => Run(benchmarkCase))).Value;
        return result is null ? "-" : _format(result);
    }

    /// <inheritdoc/>
    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    /// <inheritdoc/>
    public bool IsAvailable(Summary summary) => true;

    /// <inheritdoc/>
    public override string ToString() => ColumnName;

    private static object? Run(BenchmarkCase benchmarkCase)
    {
        var descriptor = benchmarkCase.Descriptor;
        object instance = Activator.CreateInstance(descriptor.Type)!;
        foreach (var parameter in benchmarkCase.Parameters.Items)
        {
            descriptor.Type.GetProperty(parameter.Name)?.SetValue(instance, parameter.Value);
        }

        descriptor.GlobalSetupMethod?.Invoke(instance, null);
        object? result = descriptor.WorkloadMethod.Invoke(instance, null);
        descriptor.GlobalCleanupMethod?.Invoke(instance, null);
        return result;
    }
}
