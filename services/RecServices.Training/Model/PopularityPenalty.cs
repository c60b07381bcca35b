using System.Globalization;
using RecServices.Core.Bundles;
using RecServices.Core.Evaluation;

namespace RecServices.Training.Model;

/// <summary>
/// A popularity term in the served score: V_u · V_m − β · log(1 + n_m), n_m the item's train interactions. It is
/// folded into the dot product as one more component (V_u gets −β, V_m gets log(1 + n_m)), so serving stays one
/// dot product and the exported towers carry it. A model trained for accuracy leans on popular items; a small β
/// buys catalog coverage for little accuracy. β is chosen on the validation carve (<see cref="Choose"/>), after
/// training: no retraining per strength.
/// </summary>
public static class PopularityPenalty
{
    /// <summary>The strengths scored on validation when β is not given.</summary>
    public static IReadOnlyList<double> Grid { get; } = [0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3];

    /// <summary>
    /// Validation nDCG@10 this close to the best strength's (relative) counts as equal: the same noise level the
    /// hyperparameter search uses (<see cref="HyperparameterSearch.MinGain"/>).
    /// </summary>
    public const double Tolerance = HyperparameterSearch.MinGain;

    /// <summary>The item side of the term, log(1 + n_m) per item.</summary>
    public static float[] ItemComponent(IReadOnlyList<int> counts)
    {
        var result = new float[counts.Count];
        for (var m = 0; m < result.Length; m++)
        {
            result[m] = (float)Math.Log(1 + Math.Max(0, counts[m]));
        }

        return result;
    }

    /// <summary>−β · log(1 + n_m) per item: what the term adds to every score.</summary>
    public static float[] Offsets(double beta, IReadOnlyList<int> counts)
    {
        var offsets = ItemComponent(counts);
        for (var m = 0; m < offsets.Length; m++)
        {
            offsets[m] = (float)(-beta * offsets[m]);
        }

        return offsets;
    }

    /// <summary>
    /// Scores every strength of <see cref="Grid"/> on <paramref name="validation"/> and keeps the one with the most
    /// catalog coverage among those within <see cref="Tolerance"/> of the best validation nDCG@10: coverage is taken
    /// wherever it costs no measurable accuracy.
    /// </summary>
    /// <returns>Every strength's trial, and the chosen one's full validation metrics.</returns>
    public static (IReadOnlyList<PenaltyTrial> Trials, MetricAccumulator Chosen) Choose(
        ValidationSet validation,
        IReadOnlyList<TwoTowerNetwork> members,
        float[] itemFeatures,
        IReadOnlyList<int> counts,
        Action<string> log
    )
    {
        var itemCount = members[0].ItemCount;
        var metrics = validation.Evaluate(
            members,
            itemFeatures,
            Grid.Select(beta => beta == 0 ? null : Offsets(beta, counts)).ToList()
        );
        var scored = metrics.Select(m => (m.Ndcg, Coverage: m.CoveredItems / (double)Math.Max(1, itemCount))).ToList();
        var chosen = ChooseIndex(scored, Tolerance);
        var trials = scored.Select((s, i) => new PenaltyTrial(Grid[i], s.Ndcg, s.Coverage, i == chosen)).ToList();
        log(
            "popularity penalty on the validation carve: "
                + string.Join(
                    "; ",
                    trials.Select(t =>
                        string.Create(
                            CultureInfo.InvariantCulture,
                            $"β {t.Beta}: ndcg@10 {t.ValidationNdcg:F4}, coverage "
                                + $"{t.Coverage:F3}{(t.Chosen ? " (chosen)" : string.Empty)}"
                        )
                    )
                )
        );
        return (trials, metrics[chosen]);
    }

    /// <summary>
    /// The rule of <see cref="Choose"/> on (nDCG, coverage) pairs: the index with the most coverage among those
    /// whose nDCG is at least (1 − <paramref name="tolerance"/>) × the best; on equal coverage the first (the
    /// weaker penalty). Non-finite scores never qualify unless nothing is finite, when the first (no penalty) is
    /// kept.
    /// </summary>
    public static int ChooseIndex(IReadOnlyList<(double Ndcg, double Coverage)> scored, double tolerance)
    {
        var finite = scored.Where(s => double.IsFinite(s.Ndcg)).Select(s => s.Ndcg).ToList();
        if (finite.Count == 0)
        {
            return 0;
        }

        var floor = finite.Max() * (1 - tolerance);
        var chosen = -1;
        for (var i = 0; i < scored.Count; i++)
        {
            if (
                double.IsFinite(scored[i].Ndcg)
                && scored[i].Ndcg >= floor
                && (chosen < 0 || scored[i].Coverage > scored[chosen].Coverage)
            )
            {
                chosen = i;
            }
        }

        return chosen;
    }
}
