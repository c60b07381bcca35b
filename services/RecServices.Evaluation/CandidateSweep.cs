using System.Diagnostics;
using System.Globalization;
using RecServices.Core.Bundles;
using RecServices.Core.Data;
using RecServices.Core.Evaluation;
using RecServices.Serving.Pipeline;
using RecServices.Serving.Ranking;
using RecServices.Serving.Retrieval;
using RecServices.Training.Bundling;
using RecServices.Training.Model;

namespace RecServices.Evaluation;

/// <summary>
/// How many candidates to retrieve. The protocol's train part is split again per item (80/20, seed 7)
/// into an inner train part and a validation carve; a bundle trained on the inner part is measured on
/// the carve at every quota scale, and the default is chosen there: the fewest candidates whose served
/// nDCG@10 is within <see cref="HyperparameterSearch.MinGain"/> (relative, the noise level every choice on
/// validation uses) of the best scale's. Latency stays far below a millisecond in process at every scale
/// tried, so it does not weigh in beyond that. The test split, measured with the bundle trained on the
/// whole train part, is only reported.
/// </summary>
/// <param name="build">How the two bundles are built.</param>
/// <param name="log">Progress lines.</param>
/// <param name="embeddingQuota">The embedding source's quota at every scale (not scaled; 0 = off, the served
/// default).</param>
public sealed class CandidateSweep(BuildOptions build, Action<string> log, int embeddingQuota = 0)
{
    public static readonly IReadOnlyList<double> DefaultScales = [0.25, 0.5, 1, 2, 4, 8, 20];

    /// <summary>
    /// Runs the sweep; with a <paramref name="probe"/>, also measures every scale through the running services on
    /// the test split.
    /// </summary>
    public async Task<SweepReport> RunAsync(
        Dataset dataset,
        string workDirectory,
        IReadOnlyList<double> scales,
        IServedProbe? probe = null,
        int k = 10,
        int maxCandidates = RetrievalOptions.CandidateCapLimit,
        CancellationToken cancellationToken = default
    )
    {
        var clock = Stopwatch.StartNew();
        var (train, test) = ProtocolEvaluator.ProtocolSplit(dataset);
        var (inner, validation) = StratifiedSplit.ByItem(train, dataset.Items.Count, 0.8, 7);
        var (onValidation, validationReferences) = MeasureAll(
            dataset,
            inner,
            validation,
            Path.Combine(workDirectory, "bundle-validation"),
            scales,
            k,
            maxCandidates,
            "validation"
        );
        var testBundle = Path.Combine(workDirectory, "bundle-test");
        var (onTest, testReferences) = MeasureAll(dataset, train, test, testBundle, scales, k, maxCandidates, "test");
        var viaGrpc = new ServedMeasurement?[scales.Count];
        for (var i = 0; probe is not null && i < scales.Count; i++)
        {
            var served = await probe.MeasureAsync(
                testBundle,
                scales[i],
                embeddingQuota,
                maxCandidates,
                k,
                onTest[i],
                cancellationToken
            );
            log(
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"test via gRPC: scale {scales[i]}: p50 {served.LatencyP50Ms:F2} ms, p90 "
                        + $"{served.LatencyP90Ms:F2} ms over {served.Requests} requests, "
                        + $"{served.ListsDiffering} lists differ from in process"
                )
            );
            viaGrpc[i] = served;
        }

        var points = scales.Select((s, i) => new SweepPoint(s, onValidation[i], onTest[i], viaGrpc[i])).ToList();
        var best = points.Max(p => Ndcg(p.Validation, k));
        var chosen = points
            .Where(p => Ndcg(p.Validation, k) >= best * (1 - HyperparameterSearch.MinGain))
            .MinBy(p => p.Validation.MeanCandidates)!;
        var rule = string.Create(
            CultureInfo.InvariantCulture,
            $"the fewest candidates within {HyperparameterSearch.MinGain:P1} of the best served nDCG@{k} "
                + $"on the validation carve ({best:F4})"
        );
        log(
            string.Create(
                CultureInfo.InvariantCulture,
                $"chosen quota scale {chosen.QuotaScale} ({chosen.Validation.MeanCandidates:F0} candidates): {rule}"
            )
        );
        return new SweepReport(
            dataset.Name,
            ProtocolEvaluator.Protocol,
            k,
            points,
            chosen.QuotaScale,
            rule,
            Math.Round(clock.Elapsed.TotalSeconds, 1),
            validationReferences,
            testReferences
        )
        {
            EmbeddingQuota = embeddingQuota,
        };
    }

    public static double Ndcg(Measurement m, int k) => m.Rows[ProtocolEvaluator.Served][$"ndcg@{k}"];

    private (
        List<Measurement> Points,
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> References
    ) MeasureAll(
        Dataset dataset,
        InteractionTable known,
        InteractionTable heldOut,
        string bundleDirectory,
        IReadOnlyList<double> scales,
        int k,
        int maxCandidates,
        string label
    )
    {
        new BundleBuilder(build, log).Build(dataset.WithInteractions(known), bundleDirectory);
        var bundle = Bundle.Load(
            bundleDirectory,
            BundleParts.Retrieval | BundleParts.Core | BundleParts.EmbeddingIndex
        );
        using var ranker = new Ranker(bundle);

        // Warm-up (JIT, ONNX Runtime's first runs) so that the first scale's latency is not inflated; it also
        // measures the references, which do not depend on the candidate count. EASE's λ comes from a carve of `known`.
        var ease = Training.Baselines.EaseBaseline.Fit(dataset, known, k, log, build.Training);
        var warm = ProtocolEvaluator.Measure(
            TwoStagePipeline.Create(bundle, ranker, RetrievalOptions.Default),
            dataset,
            known,
            heldOut,
            k,
            maxCandidates,
            withReferences: true,
            ease
        );
        var references = warm.Rows.Where(r => r.Key != ProtocolEvaluator.Served).ToDictionary(r => r.Key, r => r.Value);
        foreach (var (name, row) in references)
        {
            log(
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"{label}: {name}: ndcg@{k} {row[$"ndcg@{k}"]:F4}, coverage {row["coverage"]:F3}, "
                        + $"top-1 % share {row[ProtocolEvaluator.TopShare]:F3}"
                )
            );
        }

        var results = new List<Measurement>();
        foreach (var scale in scales)
        {
            var quotas = RetrievalOptions.DesignRecipe.Scaled(scale) with { Embedding = embeddingQuota };
            var pipeline = TwoStagePipeline.Create(bundle, ranker, quotas);
            var m = ProtocolEvaluator.Measure(
                pipeline,
                dataset,
                known,
                heldOut,
                k,
                maxCandidates,
                withReferences: false
            );
            log(
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"{label}: scale {scale}: {m.MeanCandidates:F0} candidates, retrieval recall "
                        + $"{m.RetrievalRecall:F4}, served ndcg@{k} {Ndcg(m, k):F4}, p50 {m.LatencyP50Ms:F2} ms"
                )
            );
            results.Add(m);
        }

        return (results, references);
    }
}
