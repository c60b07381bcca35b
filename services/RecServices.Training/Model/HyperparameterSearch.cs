using System.Globalization;
using RecServices.Core.Bundles;

namespace RecServices.Training.Model;

/// <summary>
/// Chooses training settings on the validation carve by a budgeted coordinate search, so that a dataset
/// nobody tuned for gets sensible settings without hand work. Trial 1 trains with the given settings; then
/// each knob in turn (learning rate, weight decay, history dropout, tower width) is stepped once in the
/// direction the last winner's learning curve suggests (towards more regularisation when its best epoch
/// came early, i.e. it over-fitted; towards less otherwise), and the other way when that did not help. A
/// trial wins only by beating the best validation nDCG@10 so far by <see cref="MinGain"/> (relative), so
/// noise does not move the settings. Every trial is deterministic for the seed; the test part is never seen.
/// </summary>
public sealed class HyperparameterSearch
{
    /// <summary>Relative validation gain a trial needs over the best so far to win.</summary>
    public const double MinGain = 0.005;

    private readonly Func<TrainingOptions, TrainingRun> _train;
    private readonly Action<string> _log;

    /// <param name="train">Trains with the given options on the carve's train part and reports the kept epoch's
    /// validation metrics.</param>
    /// <param name="log">Progress lines.</param>
    public HyperparameterSearch(Func<TrainingOptions, TrainingRun> train, Action<string> log)
    {
        _train = train;
        _log = log;
    }

    /// <summary>
    /// Runs at most <paramref name="trials"/> trainings (at least 1) starting from <paramref name="start"/>.
    /// </summary>
    public SearchResult Run(TrainingOptions start, int trials)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(trials, 1);
        var done = new List<SearchTrial>();
        var best = Try(start, "given settings", done);
        var bestOptions = start;
        var kept = 0;
        foreach (var knob in Knobs)
        {
            if (done.Count >= trials)
            {
                break;
            }

            var overfit = OverFitted(best);
            var first = knob.Step(bestOptions, overfit ? knob.Regularising : !knob.Regularising);
            var second = knob.Step(bestOptions, overfit ? !knob.Regularising : knob.Regularising);
            foreach (var candidate in new[] { first, second })
            {
                if (done.Count >= trials || candidate is null || candidate == bestOptions)
                {
                    continue;
                }

                var run = Try(candidate, knob.Describe(candidate), done);
                if (run.Validation["ndcg@10"] > best.Validation["ndcg@10"] * (1 + MinGain))
                {
                    (best, bestOptions, kept) = (run, candidate, done.Count - 1);
                    done[^1] = done[^1] with { Won = true };
                    break; // this knob moved; the next knob starts from here
                }
            }
        }

        _log(
            string.Create(
                CultureInfo.InvariantCulture,
                $"search: {done.Count} trials; kept trial {kept + 1} ({done[kept].Change}), validation "
                    + $"ndcg@10 {done[kept].ValidationNdcg:F4}"
            )
        );
        return new SearchResult(bestOptions, best, done, kept);
    }

    /// <summary>
    /// A run over-fitted when its best epoch came in the first half of the epochs it ran before early stopping.
    /// </summary>
    private static bool OverFitted(TrainingRun run) => run.BestEpoch * 2 <= run.Epochs.Count;

    private TrainingRun Try(TrainingOptions options, string change, List<SearchTrial> done)
    {
        _log($"search trial {done.Count + 1}: {change}");
        var run = _train(options);
        done.Add(
            new SearchTrial(
                done.Count + 1,
                change,
                Settings(options),
                Math.Round(run.Validation["ndcg@10"], 5),
                run.BestEpoch,
                run.Epochs.Count,
                Math.Round(run.Seconds, 1),
                done.Count == 0
            )
        );
        _log(
            string.Create(
                CultureInfo.InvariantCulture,
                $"search trial {done.Count}: validation ndcg@10 {run.Validation["ndcg@10"]:F4} at epoch "
                    + $"{run.BestEpoch} of {run.Epochs.Count}, {run.Seconds:F0} s"
            )
        );
        return run;
    }

    private static Dictionary<string, string> Settings(TrainingOptions o)
    {
        var c = CultureInfo.InvariantCulture;
        return new()
        {
            ["weightDecay"] = o.WeightDecay.ToString(c),
            ["historyDropout"] = o.HistoryDropout.ToString(c),
            ["learningRate"] = o.LearningRate.ToString(c),
            ["dim"] = o.Dimensions.Output.ToString(c),
        };
    }

    /// <summary>
    /// One searched setting: how to step it up or down (null past its range), and whether "up" regularises.
    /// </summary>
    private sealed record Knob(
        bool Regularising,
        Func<TrainingOptions, bool, TrainingOptions?> Step,
        Func<TrainingOptions, string> Describe
    );

    private static readonly Knob[] Knobs =
    [
        new(
            Regularising: false,
            (o, up) => o with { LearningRate = up ? o.LearningRate * 2 : o.LearningRate / 2 },
            o => string.Create(CultureInfo.InvariantCulture, $"learning rate {o.LearningRate}")
        ),
        new(
            Regularising: true,
            (o, up) => o with { WeightDecay = up ? o.WeightDecay * 4 : o.WeightDecay / 4 },
            o => string.Create(CultureInfo.InvariantCulture, $"weight decay {o.WeightDecay}")
        ),
        new(
            Regularising: true,
            (o, up) =>
                (up ? o.HistoryDropout + 0.2 : o.HistoryDropout - 0.2) is var p && p is >= -1e-9 and <= 0.8
                    ? o with
                    {
                        HistoryDropout = Math.Round(Math.Max(0, p), 2),
                    }
                    : null,
            o => string.Create(CultureInfo.InvariantCulture, $"history dropout {o.HistoryDropout}")
        ),
        new(
            Regularising: false,
            (o, up) =>
                (up ? o.Dimensions.Output * 2 : o.Dimensions.Output / 2) is var d && d is >= 16 and <= 256
                    ? o with
                    {
                        Dimensions = new TowerDimensions(d, d, Math.Max(2 * d, 64), d),
                    }
                    : null,
            o => string.Create(CultureInfo.InvariantCulture, $"tower width {o.Dimensions.Output}")
        ),
    ];
}

/// <summary>The settings kept, their run (on the carve), every trial, and the index of the kept trial.</summary>
public sealed record SearchResult(
    TrainingOptions Options,
    TrainingRun Run,
    IReadOnlyList<SearchTrial> Trials,
    int Kept
);
