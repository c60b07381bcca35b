using System.Globalization;
using RecServices.Core.Data;
using RecServices.Core.Evaluation;
using RecServices.Training.Model;

namespace RecServices.Training.Baselines;

/// <summary>
/// EASE as a report's yardstick: λ chosen by nDCG@k on a validation carve of the training part (the two-tower
/// model's own carve: the same fraction per item and seed, so the two validation numbers compare), then refitted
/// on the whole training part. The test part is never read.
/// </summary>
public static class EaseBaseline
{
    public static readonly IReadOnlyList<double> Lambdas = [50, 100, 200, 500, 1_000, 2_000];

    /// <summary>
    /// The model for <paramref name="train"/>, or null when the catalog is too large for dense EASE (with why, in
    /// the log).
    /// </summary>
    /// <param name="dataset">Users and items.</param>
    /// <param name="train">The training part (the carve comes out of it).</param>
    /// <param name="k">List length scored.</param>
    /// <param name="log">Progress lines.</param>
    /// <param name="carveOf">The two-tower model's training options: λ is chosen on their carve (its fraction, or the
    /// default one when they train without a carve, and its seed).</param>
    public static EaseModel? Fit(
        Dataset dataset,
        InteractionTable train,
        int k,
        Action<string> log,
        TrainingOptions carveOf
    )
    {
        if (dataset.Items.Count > EaseModel.MaxItems)
        {
            log($"EASE: skipped ({dataset.Items.Count} items; dense EASE is fitted up to {EaseModel.MaxItems})");
            return null;
        }

        var fraction =
            carveOf.ValidationFraction > 0 ? carveOf.ValidationFraction : new TrainingOptions().ValidationFraction;
        var (inner, validation) = StratifiedSplit.ByItem(train, dataset.Items.Count, 1 - fraction, carveOf.CarveSeed);
        var histories = UserHistories.Build(inner, dataset.Users.Count);
        var relevant = new Dictionary<int, HashSet<int>>();
        for (var row = 0; row < validation.Count; row++)
        {
            if (!relevant.TryGetValue(validation.Users[row], out var set))
            {
                relevant[validation.Users[row]] = set = [];
            }

            set.Add(validation.Items[row]);
        }

        var (bestLambda, bestNdcg) = (0.0, double.NegativeInfinity);
        foreach (var lambda in Lambdas)
        {
            var model = EaseModel.Fit(inner, dataset.Users.Count, dataset.Items.Count, lambda);
            var metrics = new MetricAccumulator(k);
            foreach (var (user, items) in relevant)
            {
                metrics.Add(model.Recommend(histories.Of(user), k), items);
            }

            log(
                string.Create(CultureInfo.InvariantCulture, $"EASE λ = {lambda}: validation ndcg@{k} {metrics.Ndcg:F4}")
            );
            if (metrics.Ndcg > bestNdcg)
            {
                (bestLambda, bestNdcg) = (lambda, metrics.Ndcg);
            }
        }

        log(
            string.Create(
                CultureInfo.InvariantCulture,
                $"EASE: λ = {bestLambda} chosen on the validation carve; refitting on all {train.Count} "
                    + $"training interactions"
            )
        );
        return EaseModel.Fit(train, dataset.Users.Count, dataset.Items.Count, bestLambda);
    }
}
