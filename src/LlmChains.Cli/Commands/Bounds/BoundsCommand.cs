using System.CommandLine;
using System.Globalization;
using LlmChains.Bounds;
using LlmChains.Chains;
using LlmChains.Cli.Commands.Shared;
using LlmChains.Cli.Output;
using LlmChains.Cli.Parsing;
using LlmChains.Gguf;

namespace LlmChains.Cli.Commands.Bounds;

/// <summary>
/// <c>llmchains bounds pretrain|pretrain-kl|depth|icl|catalog</c>: the generalization bounds of Zekri et al.
/// (arXiv 2410.02724) from named parameters, as text or one JSON object (<c>constant</c>, <c>gap</c>,
/// <c>sampleComplexity</c>, <c>approximationError</c> and every input echoed).
/// </summary>
internal static class BoundsCommand
{
    public static Command Create(CommandContext context)
    {
        var command = new Command(
            "bounds",
            "Generalization bounds of the paper: pre-training (Thm. 4.2, E.5), depth-aware (Cor. E.3, E.6), in-context (Thm. 4.3) "
                + "and the Table 2 catalog (Fig. 1).")
        {
            Pretrain(context, BoundDivergence.TotalVariation),
            Pretrain(context, BoundDivergence.KullbackLeibler),
            Depth(context),
            InContext(context),
            Catalog(context),
        };
        return command;
    }

    private static Command Pretrain(CommandContext context, BoundDivergence divergence)
    {
        bool tv = divergence == BoundDivergence.TotalVariation;
        var vocab = new Option<int?>("--vocab") { Description = "Vocabulary size T ≥ 1 (required unless --gguf gives it)" };
        var gguf = new Option<string?>("--gguf") { Description = "Read T, r and the exact B_U = ‖W_U^⊤‖_{2,1} from a GGUF model file" };
        var norm = new Option<double?>("--unembedding-norm")
        {
            Description = "B_U ≥ ‖W_U^⊤‖_{2,1}; default T√r when --embedding-dim is given",
        };
        var dim = new Option<int?>("--embedding-dim") { Description = "Embedding dimension r, for the default B_U = T√r (App. E.1.1)" };
        var common = new CommonOptions();
        var gammaMatrix = new Option<string?>("--gamma-matrix")
        {
            Description = "Compute ‖Γ‖ for Markov data from this chain (MatrixMarket): ‖Γ‖ ≤ 1 + Σ_t d̄(t) (Paulin 2015), "
                + "cut at t = N − 1 when --tokens is given",
        };
        var command = new Command(
            tv ? "pretrain" : "pretrain-kl",
            tv ? "Thm. 4.2 (total variation): B̄ = 2‖Γ‖·√max{log T + 2B_U/τ, log(1/c_0)}, gap B̄·√(log(2/δ)/N), Prop. 4.1 sample "
                    + "complexity ⌈4B̄²/ε²·log(2/δ)⌉, approximation error 2B̄·√(log(2/δ)/N)."
               : "Thm. E.5 (Kullback–Leibler): B̄ = √2‖Γ‖·max{log T + 2B_U/τ, log(1/c_0)} and the gap; no sample complexity "
                    + "(KL is not a metric).")
        {
            vocab, norm, dim, gammaMatrix, gguf,
        };
        common.AddTo(
            command,
            minProbDescription: "The language's minimum next-token probability c_0 ∈ (0, 1]; omitted: the log(1/c_0) term is dropped (App. "
                + "E.1.1)",
            tokensDescription: "Number of training tokens N ≥ 1");
        command.SetAction(parse => Print(context, parse.GetValue(common.Json), () =>
        {
            string? ggufPath = parse.GetValue(gguf);
            GgufUnembeddingNorm? ggufNorm = null;
            int? ggufVocab = null, ggufDim = null;
            if (ggufPath is not null)
            {
                if (parse.GetValue(vocab) is not null || parse.GetValue(dim) is not null || parse.GetValue(norm) is not null)
                {
                    throw new CliException(
                        "--gguf reads T, r and B_U from the file; it cannot be combined with --vocab, --embedding-dim or "
                            + "--unembedding-norm",
                        ExitCodes.UsageError);
                }

                ModelSource.RequireFile(ggufPath);
                var file = GgufFile.Read(ggufPath);
                ggufNorm = GgufNorms.UnembeddingNorm(file);
                ggufVocab = file.VocabularySize is { } v ? checked((int)v) : throw new CliException(
                    $"{ggufPath}: the file gives no vocabulary size");
                ggufDim = file.EmbeddingLength is { } e ? checked((int)e) : null;
            }

            int t = ggufVocab ?? parse.GetValue(vocab) ?? throw new CliException("give --vocab T (or --gguf FILE)", ExitCodes.UsageError);
            int? r = ggufDim ?? parse.GetValue(dim);
            if (r < 1)
            {
                throw new CliException($"--embedding-dim: the embedding dimension r must be ≥ 1; got {r}.");
            }

            double bu = ggufNorm?.Value ?? parse.GetValue(norm) ?? (r is { } rr
                ? t * Math.Sqrt(rr)
                : throw new CliException(
                    "give --unembedding-norm B_U, or --embedding-dim r for the paper's B_U = T√r", ExitCodes.UsageError));
            var inputs = common.Read(parse);
            string? matrix = parse.GetValue(gammaMatrix);
            if (matrix is not null && parse.GetResult(common.GammaNorm) is { Implicit: false })
            {
                throw new CliException("--gamma-matrix computes ‖Γ‖; it cannot be combined with --gamma-norm", ExitCodes.UsageError);
            }

            MixingMatrixNormBound? gamma = null;
            if (matrix is not null)
            {
                gamma = GammaFromChain(matrix, inputs.Tokens);
            }

            double gammaNorm = gamma?.Value ?? inputs.GammaNorm;
            BoundChecks.Pretraining(t, bu, inputs.Temperature, inputs.MinProbability, gammaNorm);
            var bound = new PretrainingBound(t, bu, inputs.Temperature, inputs.MinProbability, gammaNorm, divergence);
            string? normNote = ggufNorm is not null
                ? $"‖W_U^⊤‖_2,1 read from {Path.GetFileName(ggufPath)}"
                : parse.GetValue(norm) is null ? "T√r" : null;
            var report = new BoundsReport(
                tv ? "pretrain" : "pretrain-kl", tv ? "Thm. 4.2 (total variation)" : "Thm. E.5 (Kullback–Leibler)")
                .Input("vocabularySize", "vocabulary T", t)
                .Input("unembeddingNorm", "unembedding norm B_U", bu, normNote)
                .Input("embeddingDimension", "embedding dimension r", r);
            inputs.Echo(
                report,
                "min probability c_0",
                bound.LanguageTermIncluded ? null : "omitted: log(1/c_0) dropped, App. E.1.1",
                gammaNorm,
                gamma is null ? null : $"bound for Markov data from {Path.GetFileName(matrix)}");
            report.Input("gammaMatrix", "Γ chain", matrix);
            report.Input("gguf", "GGUF model", ggufPath);
            AddPretrainingResults(
                report, bound.ModelTerm, bound.LanguageTerm, bound.LanguageTermDominates, bound.MaxTerm, bound.Constant,
                bound.ThresholdTemperature, bound, tv, inputs);
            report.Assumptions.AddRange(bound.Assumptions);
            if (gamma is not null)
            {
                report.Assumptions.AddRange(gamma.Assumptions);
            }

            return report;
        }));
        return command;
    }

    /// <summary>
    /// ‖Γ‖ for Markov data from the chain in <paramref name="path"/> (--gamma-matrix), cut at N − 1 when --tokens is given.
    /// </summary>
    private static MixingMatrixNormBound GammaFromChain(string path, double? tokens)
    {
        ModelSource.RequireFile(path);
        long? length = tokens is { } n && n >= 1 && n <= long.MaxValue / 2 ? (long)Math.Floor(n) : null;
        var chain = MatrixMarket.Read(path);
        MixingMatrixNormBound gamma;
        try
        {
            gamma = MixingMatrixNormBound.FromChain(chain, length);
        }
        catch (ArgumentException e)
        {
            // the chain is the only input left unchecked: what is wrong is the file's chain
            throw new CliException($"--gamma-matrix: {OptionMessages.Clean(e.Message, e.ParamName)}");
        }

        return gamma.IsFinite
            ? gamma
            : throw new CliException(
                $"{path}: the chain does not mix (d̄(t) = 1 for every t), so ‖Γ‖ has no finite bound; "
                    + "give --tokens to cut the sum at N − 1");
    }

    private static Command Depth(CommandContext context)
    {
        var vocab = new Option<int>("--vocab") { Description = "Vocabulary size T ≥ 1", Required = true };
        var dim = new Option<int>("--embedding-dim") { Description = "Embedding dimension r ≥ 1", Required = true };
        var width = new Option<int>("--mlp-width") { Description = "MLP width m ≥ 1", Required = true };
        var heads = new Option<int>("--heads") { Description = "Attention heads H ≥ 1", DefaultValueFactory = _ => 1 };
        var layers = new Option<int>("--layers") { Description = "Layers L ≥ 1", Required = true };
        var b1 = new Option<double>("--w1-norm") { Description = "B_1 ≥ max|W_1| (MLP input weights)", Required = true };
        var b2 = new Option<double>("--w2-norm") { Description = "B_2 ≥ max|W_2| (MLP output weights)", Required = true };
        var bo = new Option<double>("--wo-norm") { Description = "B_O ≥ max|W_O| (attention output weights)", Required = true };
        var bv = new Option<double>("--wv-norm") { Description = "B_V ≥ max|W_V| (attention value weights)", Required = true };
        var btok = new Option<double>("--token-norm") { Description = "B_tok ≥ the ℓ1 norm of every input token", Required = true };
        var bu = new Option<double>("--unembedding-norm") { Description = "B_U ≥ ‖W_U^⊤‖_{2,1}", Required = true };
        var kl = new Option<bool>("--kl") { Description = "Kullback–Leibler variant (Cor. E.6) instead of total variation (Cor. E.3)" };
        var common = new CommonOptions();
        var command = new Command(
            "depth",
            "Cor. E.3 / E.6: Thm. 4.2 with B_U/τ replaced by (B_Θ)^L/τ, B_Θ = [(1 + rmB_1B_2)(1 + r³B_OB_V/H)]·(B_tok·B_U)^{1/L} "
                + "(no LayerNorm).")
        {
            vocab, dim, width, heads, layers, b1, b2, bo, bv, btok, bu, kl,
        };
        common.AddTo(
            command,
            minProbDescription: "The language's minimum next-token probability c_0 ∈ (0, 1]; omitted: the term is dropped (App. E.1.1)",
            tokensDescription: "Number of training tokens N ≥ 1");
        command.SetAction(parse => Print(context, parse.GetValue(common.Json), () =>
        {
            bool isKl = parse.GetValue(kl);
            var norms = new TransformerNormBounds(
                parse.GetValue(dim), parse.GetValue(width), parse.GetValue(heads), parse.GetValue(layers),
                parse.GetValue(b1), parse.GetValue(b2), parse.GetValue(bo), parse.GetValue(bv), parse.GetValue(btok), parse.GetValue(bu));
            var inputs = common.Read(parse);
            int t = parse.GetValue(vocab);
            BoundChecks.Transformer(norms);
            BoundChecks.Pretraining(t, unembeddingNorm: null, inputs.Temperature, inputs.MinProbability, inputs.GammaNorm);
            BoundChecks.TransformerDepth(norms);
            var bound = new DepthAwarePretrainingBound(
                norms, t, inputs.Temperature, inputs.MinProbability, inputs.GammaNorm,
                isKl ? BoundDivergence.KullbackLeibler : BoundDivergence.TotalVariation);
            var report = new BoundsReport(
                "depth", isKl ? "Cor. E.6 (Kullback–Leibler, depth-aware)" : "Cor. E.3 (total variation, depth-aware)")
                .Input("vocabularySize", "vocabulary T", bound.VocabularySize)
                .Input("embeddingDimension", "embedding dimension r", norms.EmbeddingDimension)
                .Input("mlpWidth", "MLP width m", norms.FeedForwardWidth)
                .Input("heads", "heads H", norms.HeadCount)
                .Input("layers", "layers L", norms.LayerCount)
                .Input("w1Norm", "B_1 (max|W_1|)", norms.FeedForwardInputNorm)
                .Input("w2Norm", "B_2 (max|W_2|)", norms.FeedForwardOutputNorm)
                .Input("woNorm", "B_O (max|W_O|)", norms.AttentionOutputNorm)
                .Input("wvNorm", "B_V (max|W_V|)", norms.AttentionValueNorm)
                .Input("tokenNorm", "B_tok", norms.TokenNorm)
                .Input("unembeddingNorm", "unembedding norm B_U", norms.UnembeddingNorm)
                .Input("kl", "KL variant", isKl);
            inputs.Echo(report, "min probability c_0", bound.LanguageTermIncluded ? null : "omitted: log(1/c_0) dropped, App. E.1.1");
            report.Result("layerFactor", "(1 + rmB_1B_2)(1 + r³B_OB_V/H)", bound.LayerFactor)
                .Result("thetaNorm", "B_Θ", bound.ThetaNorm)
                .Result("thetaNormToDepth", "(B_Θ)^L", bound.ThetaNormToDepth);
            AddPretrainingResults(
                report, bound.ModelTerm, bound.LanguageTerm, bound.LanguageTermDominates, bound.MaxTerm, bound.Constant,
                bound.ThresholdTemperature, bound, !isKl, inputs);
            report.Assumptions.AddRange(bound.Assumptions);
            return report;
        }));
        return command;
    }

    private static Command InContext(CommandContext context)
    {
        var states = new Option<int?>("--states") { Description = "Number of states d ≥ 1 of the chain in the prompt (not with --matrix)" };
        var norm = new Option<double>("--unembedding-norm") { Description = "B_U ≥ ‖W_U^⊤‖_{2,1}", Required = true };
        var tMin = new Option<double?>("--t-min")
        {
            Description = "t_min of the chain (as defined with Thm. 4.3), > 0 (not with --matrix)",
        };
        var matrix = new Option<string?>("--matrix")
        {
            Description = "Read the chain (MatrixMarket) and compute d, p_min = min P(x, y) and t_min from it",
        };
        var common = new CommonOptions(includeGamma: false);
        var command = new Command(
            "icl",
            "Thm. 4.3: B̄ = 2·√max{log d + 2B_U/τ, log(1/p_min)}, gap B̄·√(t_min/N)·√log(2/δ); sample complexity with √t_min (what the "
                + "theorem implies) and as printed in Prop. E.2 (without it).")
        {
            states, norm, tMin, matrix,
        };
        common.AddTo(
            command,
            minProbDescription: "p_min ∈ (0, 1]: every transition probability of the chain is ≥ p_min (not with --matrix)",
            tokensDescription: "Number of in-context tokens N_icl ≥ 1");
        command.SetAction(parse => Print(context, parse.GetValue(common.Json), () =>
        {
            var inputs = common.Read(parse);
            string? file = parse.GetValue(matrix);
            InContextBound bound;
            if (file is not null)
            {
                if (parse.GetValue(states) is not null || parse.GetValue(tMin) is not null || inputs.MinProbability is not null)
                {
                    throw new CliException(
                        "--matrix computes d, p_min and t_min; it cannot be combined with --states, --min-prob or --t-min",
                        ExitCodes.UsageError);
                }

                ModelSource.RequireFile(file);
                var chain = MatrixMarket.Read(file);
                BoundChecks.NonNegative(parse.GetValue(norm), "--unembedding-norm", "unembedding norm B_U");
                BoundChecks.Positive(inputs.Temperature, "--temperature", "temperature τ");
                try
                {
                    bound = InContextBound.FromChain(chain, parse.GetValue(norm), inputs.Temperature);
                }
                catch (ArgumentException chainError)
                {
                    // B_U and τ are checked: what is wrong is the file's chain
                    throw new CliException($"{file}: {OptionMessages.Clean(chainError.Message, chainError.ParamName)}");
                }
            }
            else
            {
                var missing = new[]
                    {
                        ("--states", parse.GetValue(states) is null),
                        ("--min-prob", inputs.MinProbability is null),
                        ("--t-min", parse.GetValue(tMin) is null),
                    }
                    .Where(m => m.Item2).Select(m => m.Item1).ToArray();
                if (missing.Length > 0)
                {
                    throw new CliException(
                        $"give {string.Join(", ", missing)} (or --matrix FILE.mtx to compute them from a chain)", ExitCodes.UsageError);
                }

                int d = parse.GetValue(states)!.Value;
                double pMin = inputs.MinProbability!.Value, t = parse.GetValue(tMin)!.Value;
                BoundChecks.InContext(d, parse.GetValue(norm), inputs.Temperature, pMin, t);
                bound = new InContextBound(d, parse.GetValue(norm), inputs.Temperature, pMin, t);
            }

            return InContextReport(bound, file, inputs);
        }));
        return command;
    }

    private static BoundsReport InContextReport(InContextBound bound, string? file, CommonInputs inputs)
    {
        var report = new BoundsReport("icl", "Thm. 4.3 (in-context learning of a Markov chain)")
            .Input("matrix", "chain", file)
            .Input("states", "states d", bound.StateCount, file is null ? null : "from the chain")
            .Input("unembeddingNorm", "unembedding norm B_U", bound.UnembeddingNorm)
            .Input("tMin", "t_min", bound.MixingTime, file is null ? null : "computed from the chain");
        inputs.Echo(
            report,
            "min transition probability p_min",
            file is null ? null : "min P(x, y) of the chain",
            minProbability: bound.MinimumTransitionProbability);
        bool tokens = inputs.Tokens is not null, epsilon = inputs.Epsilon is not null;
        double n = inputs.Tokens ?? double.NaN, e = inputs.Epsilon ?? double.NaN, delta = inputs.Delta;
        report.Result("modelTerm", "log d + 2B_U/τ", bound.ModelTerm)
            .Result("languageTerm", "log(1/p_min)", bound.LanguageTerm)
            .Result("languageTermDominates", "log(1/p_min) sets B̄", bound.LanguageTermDominates)
            .Result("constant", "constant B̄", bound.Constant)
            .Result(
                "thresholdTemperature",
                "threshold τ*",
                bound.ThresholdTemperature,
                double.IsPositiveInfinity(bound.ThresholdTemperature)
                    ? "log(1/p_min) ≤ log d: the model term dominates at every τ"
                    : "log(1/p_min) sets B̄ for τ ≥ τ*")
            .Result("gap", "gap", tokens ? bound.Gap(n, delta) : null, tokens ? "B̄·√(t_min/N)·√log(2/δ)" : "give --tokens")
            .Result(
                "approximationError",
                "approximation error",
                tokens ? bound.ApproximationError(n, delta) : null,
                tokens ? "bound on E‖Q(S,·) − Q_f(S,·)‖₁, no distribution shift" : "give --tokens")
            .Result(
                "sampleComplexity",
                "sample complexity N*",
                epsilon ? bound.SampleComplexityWithMixing(e, delta) : null,
                epsilon ? "⌈4B̄²·t_min·log(2/δ)/ε²⌉, as Thm. 4.3 implies" : "give --epsilon")
            .Result(
                "sampleComplexityAsPrinted",
                "Prop. E.2 as printed",
                epsilon ? bound.SampleComplexityAsPrinted(e, delta) : null,
                epsilon ? "⌈4B̄²/ε²·log(2/δ)⌉, drops √t_min: not implied by the theorem" : "give --epsilon");
        report.Assumptions.AddRange(bound.Assumptions);
        return report;
    }

    private static Command Catalog(CommandContext context)
    {
        var delta = new Option<double>("--delta")
        {
            Description = "Failure probability δ ∈ (0, 1); 0.05 reproduces Fig. 1's range",
            DefaultValueFactory = _ => CommonOptions.DefaultDelta,
        };
        var temperature = new Option<double>("--temperature")
        {
            Description = "Temperature τ > 0 (the paper takes 1)",
            DefaultValueFactory = _ => 1.0,
        };
        var epsilon = new Option<double?>("--epsilon") { Description = "Target E‖·‖₁ ε > 0 for each model's Prop. 4.1 sample complexity" };
        var plot = new Option<string?>("--plot")
        {
            Description = "Draw approximation error against N (log–log) for the catalog models to this PNG file",
        };
        var json = new Option<bool>("--json") { Description = "Print one JSON object on stdout" };
        var command = new Command(
            "catalog",
            "Table 2 (8 models: tokens, T, r) with the Fig. 1 approximation errors ε = 2B̄·√(log(2/δ)/N), B̄ = 2√(log T + 2T√r/τ), "
                + "‖Γ‖ = 1, c_0 dropped.")
        {
            delta, temperature, epsilon, plot, json,
        };
        command.SetAction(parse => Print(context, parse.GetValue(json), () =>
        {
            double d = parse.GetValue(delta);
            double tau = parse.GetValue(temperature);
            double? eps = parse.GetValue(epsilon);
            BoundChecks.Delta(d);
            if (eps is { } target)
            {
                BoundChecks.Epsilon(target);
            }

            BoundChecks.Positive(tau, "--temperature", "temperature τ");
            double unitDelta = 2 / Math.E;
            var report = new BoundsReport("catalog", "Table 2 and Fig. 1 (Thm. 4.2 / Prop. 4.1 with B_U = T√r, ‖Γ‖ = 1, c_0 dropped)")
                .Input("delta", "confidence δ", d)
                .Input("temperature", "temperature τ", tau)
                .Input("gammaNorm", "mixing norm ‖Γ‖", 1.0)
                .Input("epsilon", "target ε", eps);
            report.Rows = [];
            report.PercentRowsInText = true;
            var bounds = new List<(CatalogEntry Model, PretrainingBound Bound)>();
            foreach (var model in ModelCatalog.Models)
            {
                var bound = model.ToPretrainingBound(tau);
                bounds.Add((model, bound));
                report.Rows.Add(
                [
                    new("name", "model", model.Name, null),
                    new("trainingTokens", "tokens N", model.TrainingTokens, null),
                    new("vocabularySize", "T", model.VocabularySize, null),
                    new("embeddingDimension", "r", model.EmbeddingDimension, null),
                    new("unembeddingNorm", "B_U = T√r", model.UnembeddingNorm, null),
                    new("constant", "B̄", bound.Constant, null),
                    new("gap", "gap", bound.Gap(model.TrainingTokens, d), null),
                    new("approximationError", "ε (×1e-2)", bound.ApproximationError(model.TrainingTokens, d), null),
                    new(
                        "approximationErrorUnitConfidence",
                        "ε at √log(2/δ)=1 (×1e-2)",
                        bound.ApproximationError(model.TrainingTokens, unitDelta),
                        null),
                    new("sampleComplexity", "N* for ε", eps is { } e ? bound.SampleComplexity(e, d) : null, null),
                ]);
            }

            double minModelTerm = bounds.Min(b => b.Bound.ModelTerm);
            report.Assumptions.Add(
                "Fig. 1 / App. E.1.1: B_U = T√r (the paper's estimate of ‖W_U^⊤‖_{2,1}), τ as given (the paper: 1), ‖Γ‖ = 1 (independent "
                + "windows), log(1/c_0) dropped; δ is not printed in the paper and 0.05 reproduces the plotted range 0.7–2.2 (×1e−2).");
            report.Assumptions.Add("The text table shows ε ×1e−2 (as Fig. 1's axis); JSON gives ε itself.");
            report.Assumptions.Add(
                "Dropping log(1/c_0) is valid for a model when log(1/c_0) ≤ log T + 2B_U/τ, which is at least "
                + string.Create(CultureInfo.InvariantCulture, $"{minModelTerm:G4} for every model here."));
            report.Assumptions.AddRange(bounds[0].Bound.Assumptions
                .Where(a => !a.StartsWith("Parameters in W", StringComparison.Ordinal)
                    && !a.StartsWith("c_0 not given", StringComparison.Ordinal)));
            if (parse.GetValue(plot) is { } file)
            {
                CatalogPlot.Save(bounds, d, file);
                report.Input("plot", "plot", file);
            }

            return report;
        }));
        return command;
    }

    private static void AddPretrainingResults(
        BoundsReport report,
        double modelTerm,
        double? languageTerm,
        bool languageDominates,
        double maxTerm,
        double constant,
        double? threshold,
        IGeneralizationBound bound, bool tv, CommonInputs inputs)
    {
        string thresholdNote = threshold is null
            ? "needs --min-prob"
            : double.IsPositiveInfinity(threshold.Value)
                ? "log(1/c_0) ≤ log T: the model term dominates at every τ"
                : "the language term sets B̄ for τ ≥ τ*";
        report.Result("modelTerm", "model term", modelTerm)
            .Result("languageTerm", "language term log(1/c_0)", languageTerm, languageTerm is null ? "dropped" : null)
            .Result("languageTermIncluded", "language term included", languageTerm is not null)
            .Result(
                "languageTermDominates",
                "language term sets B̄",
                languageDominates,
                languageDominates ? "threshold remark after Thm. 4.2: the architecture does not change the bound" : null)
            .Result("maxTerm", "M = max{…}", maxTerm)
            .Result("constant", "constant B̄", constant)
            .Result("thresholdTemperature", "threshold τ*", threshold, thresholdNote)
            .Result(
                "gap",
                "gap",
                inputs.Tokens is { } n ? bound.Gap(n, inputs.Delta) : null,
                inputs.Tokens is null ? "give --tokens" : "B̄·√(log(2/δ)/N)");
        if (tv)
        {
            report.Result(
                    "approximationError",
                    "approximation error",
                    inputs.Tokens is { } n2 ? 2 * bound.Gap(n2, inputs.Delta) : null,
                    inputs.Tokens is null ? "give --tokens" : "2B̄·√(log(2/δ)/N), bound on E‖Q* − Q_f‖₁ (Fig. 1)")
                .Result(
                    "sampleComplexity",
                    "sample complexity N*",
                    inputs.Epsilon is { } e ? bound.SampleComplexity(e, inputs.Delta) : null,
                    inputs.Epsilon is null ? "give --epsilon" : "Prop. 4.1: ⌈4B̄²/ε²·log(2/δ)⌉");
        }
        else
        {
            report.Result("approximationError", "approximation error", null, "none for KL")
                .Result("sampleComplexity", "sample complexity N*", null, "none for KL: not a metric, Prop. 4.1 uses TV identities")
                .Result(
                    "sampleComplexityUnavailable",
                    "why",
                    "KL is not a metric; Prop. 4.1 converts the risk into E‖Q* − Q_f‖₁ through total-variation identities that have no KL "
                        + "counterpart.");
        }

        report.Result(
            "sampleCountForGap",
            "N for gap ≤ ε",
            inputs.Epsilon is { } g ? bound.SampleCountForGap(g, inputs.Delta) : null,
            inputs.Epsilon is null ? "give --epsilon" : "smallest N with gap ≤ ε");
    }

    /// <summary>Builds the report (every computation and every check before any output), then prints it.</summary>
    private static int Print(CommandContext context, bool json, Func<BoundsReport> build)
        => CommandReport.Print(build(), json, context.Output);
}
