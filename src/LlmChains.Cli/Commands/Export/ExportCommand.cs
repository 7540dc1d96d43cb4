using System.CommandLine;
using LlmChains.Chains;
using LlmChains.Cli.Commands.Shared;
using LlmChains.Cli.Limits;
using LlmChains.Cli.Output;
using LlmChains.Models;

namespace LlmChains.Cli.Commands.Export;

/// <summary>
/// <c>llmchains export</c>: writes a model's chain Q_f as MatrixMarket (<c>--matrix-out</c>, read back by
/// <c>analyze --matrix</c>, SciPy's <c>mmread</c>, MATLAB, Julia) and/or its logits as a NumPy <c>.npy</c> table
/// (<c>--logits-out</c>, read back by <c>--model table:FILE</c> and <c>numpy.load</c>). Both files are written
/// atomically. When both are written, the chain is built from the captured logits, so the matrix is exactly the chain
/// of the table.
/// </summary>
internal static class ExportCommand
{
    private const string MatrixWhat = "the MatrixMarket chain";
    private const string LogitsWhat = "the .npy logits";

    public static Command Create(CommandContext context)
    {
        var models = new ModelOptions();
        var temperature = new Option<double>("--temperature")
        {
            Description = "Softmax temperature τ ≥ 0 of the chain (--matrix-out); 0 = greedy. The logits do not depend on it",
            DefaultValueFactory = _ => 1.0,
        };
        var matrixOut = new Option<string?>("--matrix-out")
        {
            Description = "Write the chain Q_f (Prop. 3.2) in MatrixMarket format (coordinate real general, 1-based, states in the "
                + "library's order: by length, then base-T code) to this file, e.g. chain.mtx; read it back with 'analyze --matrix'",
        };
        var logitsOut = new Option<string?>("--logits-out")
        {
            Description = "Write the model's logits as a NumPy .npy table of shape (|V_K^*|, T) in the same state order ('<f8', or '<f4' "
                + "with --precision float32) to this file, e.g. logits.npy; read it back with '--model table:FILE'",
        };
        var json = new Option<bool>("--json") { Description = "Print one JSON object on stdout" };
        var command = new Command(
            "export",
            "Write a model's chain Q_f as MatrixMarket (--matrix-out) and/or its logits as a NumPy .npy table (--logits-out), for other "
                + "tools or for 'analyze --matrix' and '--model table:'. With no model options: the paper's toy example.");
        foreach (var option in models.All)
        {
            command.Add(option);
        }

        command.Add(temperature);
        command.Add(matrixOut);
        command.Add(logitsOut);
        command.Add(json);
        command.SetAction(parse =>
        {
            string? matrixPath = parse.GetValue(matrixOut);
            string? logitsPath = parse.GetValue(logitsOut);
            if (matrixPath is null && logitsPath is null)
            {
                throw new CliException(
                    "give --matrix-out FILE.mtx (the chain) and/or --logits-out FILE.npy (the logits): export writes nothing else",
                    ExitCodes.UsageError);
            }

            if (matrixPath is not null && logitsPath is not null
                && string.Equals(Path.GetFullPath(matrixPath), Path.GetFullPath(logitsPath), StringComparison.Ordinal))
            {
                throw new CliException($"--matrix-out and --logits-out are both {matrixPath}; give two files", ExitCodes.UsageError);
            }

            bool single = models.IsSinglePrecision(parse);
            if (matrixPath is not null && single)
            {
                throw new CliException(
                    "--precision float32 applies to --logits-out only: a float32 chain's rows sum to 1 within about 1e-7, and a "
                        + "MatrixMarket chain is read back within 1e-10; leave --precision at float64 for --matrix-out",
                    ExitCodes.UsageError);
            }

            if (matrixPath is not null)
            {
                AtomicFile.Check(matrixPath, MatrixWhat);
            }

            if (logitsPath is not null)
            {
                AtomicFile.Check(logitsPath, LogitsWhat);
            }

            var decoding = models.Decoding(parse, parse.GetValue(temperature));
            var budget = context.Memory(parse);
            var (model, description) = models.CreateModel(
                parse,
                budget,
                (t, k) => RequireExportFits(t, k, single, logitsPath is not null, matrixPath is not null, budget),
                new RemoteProgressLines(context.Error));
            using var ownedModel = model as IDisposable;
            var report = new ExportReport(description, model.VocabularySize, model.ContextWindow, decoding);

            TabularModel? table = null;
            if (logitsPath is not null)
            {
                using (new StderrProgress<double>(context.Error, "evaluating the model on every state", p => p))
                {
                    table = TabularModel.Capture(model, single);
                }

                AtomicFile.Write(logitsPath, LogitsWhat, table.WriteNpy);
                report = report with
                {
                    LogitsPath = logitsPath,
                    LogitsBytes = new FileInfo(logitsPath).Length,
                    States = StateSpace.Describe(model.VocabularySize, model.ContextWindow).StateCount ?? 0,
                    SingleLogits = single,
                };
            }

            if (matrixPath is not null)
            {
                LanguageModelChain chain;
                using (var progress = new StderrProgress<Progress>(context.Error, "building chain", p => p.Fraction))
                {
                    chain = LanguageModelChain.Build(table ?? model, decoding, models.BuildOptions(parse, budget), progress);
                }

                long nonZeros = chain.CountNonZeros();
                using (var progress = new StderrProgress<double>(context.Error, "writing chain", p => p))
                {
                    var reporting = new RowProgressChain(chain, 2, progress);
                    AtomicFile.Write(matrixPath, MatrixWhat, temporary => MatrixMarket.Write(reporting, temporary));
                }

                report = report with
                {
                    MatrixPath = matrixPath,
                    MatrixBytes = new FileInfo(matrixPath).Length,
                    States = chain.StateCount,
                    NonZeros = nonZeros,
                };
            }

            return CommandReport.Print(report, parse.GetValue(json), context.Output);
        });
        return command;
    }

    /// <summary>Refuses, before the model is made, the tables export would hold in memory (the logits and/or the chain).</summary>
    private static void RequireExportFits(int vocabularySize, int contextWindow, bool single, bool logits, bool matrix, MemoryBudget budget)
    {
        var size = StateSpace.Describe(vocabularySize, contextWindow);
        string what = (logits, matrix) switch
        {
            (true, true) => $"its logit table ({(single ? "float32" : "float64")}) and float64 chain",
            (true, false) => $"its logit table ({(single ? "float32" : "float64")})",
            _ => "its float64 chain",
        };
        budget.RequireLog10(
            ResourceEstimate.Log10Export(size, single, logits, matrix), $"exporting {ResourceEstimate.DescribeChain(size)}: {what}");
    }
}
