using System.Diagnostics;
using System.Globalization;
using RecServices.Core.Bundles;
using RecServices.Core.Data;
using RecServices.Core.Evaluation;
using RecServices.Core.Features;
using RecServices.Training.Nn;

namespace RecServices.Training.Model;

/// <summary>
/// Trains the two towers with a softmax over the catalog (or over the batch's positives plus sampled
/// items for large catalogs): each train interaction is an example whose user tower reads the user's
/// other train items (the target left out, each dropped with <see cref="TrainingOptions.HistoryDropout"/>).
/// Mini-batches, Adam, both cores, deterministic for a seed. Keeps the epoch with the best validation
/// nDCG@10 and stops after <see cref="TrainingOptions.Patience"/> epochs without improvement.
/// </summary>
public sealed class TwoTowerTrainer
{
    private readonly Dataset _dataset;
    private readonly InteractionTable _train;
    private readonly ItemFeatures _itemFeatures;
    private readonly UserFeatures _userFeatures;
    private readonly TrainingOptions _options;
    private readonly Action<string> _log;

    public TwoTowerTrainer(Dataset dataset, InteractionTable train, ItemFeatures itemFeatures, UserFeatures userFeatures, TrainingOptions options, Action<string> log)
    {
        options.Validate();
        _dataset = dataset;
        _train = train;
        _itemFeatures = itemFeatures;
        _userFeatures = userFeatures;
        _options = options;
        _log = log;
    }

    public TrainingRun Train(InteractionTable validation)
    {
        var clock = Stopwatch.StartNew();
        var itemCount = _dataset.Items.Count;
        var histories = UserHistories.Build(_train, _dataset.Users.Count);
        var network = new TwoTowerNetwork(itemCount, _userFeatures.Width, _itemFeatures.Width, _options.Dimensions, _options.Seed);
        var objective = new SoftmaxObjective(network);
        var adam = new Adam(_options.LearningRate, _options.WeightDecay);
        var order = Enumerable.Range(0, _train.Count).ToArray();
        var perEpoch = _options.MaxExamplesPerEpoch > 0 ? Math.Min(_options.MaxExamplesPerEpoch, order.Length) : order.Length;
        var stepsPerEpoch = Math.Max(1, (perEpoch + _options.BatchSize - 1) / _options.BatchSize);
        var average = _options.AverageHalfLife > 0
            ? new WeightAverage(network.Parameters, Math.Pow(2, -1 / (_options.AverageHalfLife * stepsPerEpoch)))
            : null;
        var rng = new Random(_options.Seed);
        var validationSet = new ValidationSet(validation, histories, _dataset.Users, _userFeatures, _options.ValidationUsers, itemCount, _options.Seed);
        var popularity = validationSet.EvaluatePopularity(_itemFeatures.Counts);
        var full = itemCount <= _options.FullSoftmaxMaxItems;
        _log(string.Create(CultureInfo.InvariantCulture,
            $"training on {_train.Count} interactions, {itemCount} items, {validationSet.UserCount} validation users; softmax over {(full ? "the full catalog" : $"batch positives + {_options.SampledNegatives} sampled items")}; {(validationSet.UserCount == 0 ? "no validation (a refit: every epoch runs, the last is kept)" : $"popularity baseline val ndcg@10 {popularity.Ndcg:F4}")}"));

        var batch = new UserBatch(_options.BatchSize, _userFeatures.HistoryLength, _userFeatures.Width);
        var allItems = full ? Enumerable.Range(0, itemCount).ToArray() : [];
        var position = full ? [] : Enumerable.Repeat(-1, itemCount).ToArray();
        var candidates = new List<int>();
        var targets = new int[_options.BatchSize];
        var users = new int[_options.BatchSize];
        var kept = new List<int>();
        float[]? mask = null;
        var logQ = full || !_options.LogQCorrection ? null : SamplingLogQ(itemCount, perEpoch);

        var epochs = new List<EpochRecord>();
        float[][]? best = null;
        var bestEpoch = 0;
        var bestNdcg = double.NegativeInfinity;
        MetricAccumulator? bestMetrics = null;
        for (var epoch = 1; epoch <= _options.Epochs; epoch++)
        {
            var epochClock = Stopwatch.StartNew();
            rng.Shuffle(order);
            double lossSum = 0;
            var batches = 0;
            var progress = new Bundling.StepProgress($"epoch {epoch}/{_options.Epochs}", perEpoch, _log);
            for (var start = 0; start < perEpoch; start += _options.BatchSize)
            {
                batch.Rows = Math.Min(_options.BatchSize, perEpoch - start);
                for (var r = 0; r < batch.Rows; r++)
                {
                    var row = order[start + r];
                    var u = _train.Users[row];
                    var target = _train.Items[row];
                    users[r] = u;
                    kept.Clear();
                    foreach (var item in histories.Of(u))
                    {
                        if (item != target && rng.NextDouble() >= _options.HistoryDropout)
                        {
                            kept.Add(item);
                        }
                    }

                    var profile = _dataset.Users[u];
                    _userFeatures.Fill(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(kept), profile.Age, profile.Gender,
                        batch.HistoryItemsOf(r), batch.HistoryWeightsOf(r), batch.FeaturesOf(r));
                    targets[r] = target;
                }

                ReadOnlySpan<int> classes;
                if (full)
                {
                    classes = allItems;
                }
                else
                {
                    SampleCandidates(targets.AsSpan(0, batch.Rows), position, candidates, rng, itemCount);
                    for (var r = 0; r < batch.Rows; r++)
                    {
                        targets[r] = position[targets[r]];
                    }

                    classes = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(candidates);
                }

                var masked = _options.MaskSeen || logQ is not null;
                if (masked)
                {
                    mask = BuildMask(mask, batch.Rows, classes.Length, users, targets, _options.MaskSeen ? histories : null, full ? null : position, classes, logQ);
                }

                var loss = objective.Evaluate(batch, classes, _itemFeatures.Values, targets.AsSpan(0, batch.Rows), masked ? mask : null, backward: true);
                if (!double.IsFinite(loss))
                {
                    throw Diverged(epoch, batches + 1, $"the loss is {loss}");
                }

                lossSum += loss;
                batches++;
                progress.Advance(batch.Rows);
                average?.BeforeStep();
                adam.Step(network.Parameters);
                average?.AfterStep();
                network.ClearGrads();
                if (!full)
                {
                    foreach (var c in candidates)
                    {
                        position[c] = -1;
                    }
                }
            }

            if (NonFinite(network) is { } broken)
            {
                throw Diverged(epoch, batches, $"parameter {broken} holds a NaN or an infinity");
            }

            // With weight averaging, validation scores (and the bundle keeps) the averaged weights; training goes on from the raw ones.
            var raw = average is null ? null : network.Snapshot();
            if (average is not null)
            {
                network.Restore(average.Snapshot());
            }

            var metrics = validationSet.Evaluate(network, _itemFeatures.Values);
            var seconds = epochClock.Elapsed.TotalSeconds;
            epochs.Add(new EpochRecord(epoch, lossSum / Math.Max(1, batches), metrics.Ndcg, metrics.Recall, seconds));
            // Without validation keep the last epoch; a non-finite score is never an improvement.
            var improved = validationSet.UserCount == 0 || (double.IsFinite(metrics.Ndcg) && metrics.Ndcg > bestNdcg);
            if (improved)
            {
                bestNdcg = metrics.Ndcg;
                bestEpoch = epoch;
                bestMetrics = metrics;
                best = network.Snapshot();
            }

            if (raw is not null)
            {
                network.Restore(raw);
            }

            var eta = TimeSpan.FromSeconds(seconds * (_options.Epochs - epoch));
            var quality = validationSet.UserCount == 0 ? string.Empty : string.Create(CultureInfo.InvariantCulture, $"  val ndcg@10 {metrics.Ndcg:F4}  recall@10 {metrics.Recall:F4}  coverage {metrics.CoveredItems / (double)itemCount:F3}{(improved ? " *" : string.Empty)}");
            _log(string.Create(CultureInfo.InvariantCulture,
                $"epoch {epoch}/{_options.Epochs}  loss {lossSum / Math.Max(1, batches):F4}{quality}  {seconds:F1} s  ETA {eta:mm\\:ss}"));
            if (_options.Patience > 0 && epoch - bestEpoch >= _options.Patience)
            {
                _log($"no improvement for {_options.Patience} epochs; keeping epoch {bestEpoch}");
                break;
            }
        }

        if (best is null)
        {
            throw new InvalidOperationException("training produced no usable epoch: every validation score was NaN");
        }

        network.Restore(best);
        foreach (var parameter in network.Parameters)
        {
            parameter.ReleaseTrainingState(); // what is returned only runs forward: gradients and moments would be 3× its memory
        }

        return new TrainingRun(network, epochs, bestEpoch, bestMetrics!.ToDictionary(), popularity.ToDictionary(), clock.Elapsed.TotalSeconds);
    }

    /// <summary>The name of the first parameter holding a NaN or an infinity, or null.</summary>
    internal static string? NonFinite(TwoTowerNetwork network)
    {
        foreach (var p in network.Parameters)
        {
            foreach (var value in p.Value)
            {
                if (!float.IsFinite(value))
                {
                    return p.Name;
                }
            }
        }

        return null;
    }

    private InvalidOperationException Diverged(int epoch, int batch, string what) => new(string.Create(CultureInfo.InvariantCulture,
        $"training diverged in epoch {epoch}, batch {batch}: {what}. Lower the learning rate (now {_options.LearningRate}) or check the data for extreme values; no bundle was written"));

    /// <summary>Candidates = the batch's distinct positives, then distinct uniform samples; <paramref name="position"/> maps item → column.</summary>
    private void SampleCandidates(ReadOnlySpan<int> positives, int[] position, List<int> candidates, Random rng, int itemCount)
    {
        candidates.Clear();
        foreach (var item in positives)
        {
            if (position[item] < 0)
            {
                position[item] = candidates.Count;
                candidates.Add(item);
            }
        }

        var wanted = Math.Min(itemCount, candidates.Count + _options.SampledNegatives);
        for (var attempt = 0; candidates.Count < wanted && attempt < 4 * _options.SampledNegatives; attempt++)
        {
            var item = rng.Next(itemCount);
            if (position[item] < 0)
            {
                position[item] = candidates.Count;
                candidates.Add(item);
            }
        }
    }

    /// <summary>
    /// −log q per item: q the probability that one batch's sampling makes the item a class, as one of the batch's
    /// positives (drawn by train frequency) or one of the uniform negatives: 1 − (1 − f)^B · (1 − 1/N)^S.
    /// </summary>
    private float[] SamplingLogQ(int itemCount, int examplesPerEpoch)
    {
        var counts = _itemFeatures.Counts; // the train part's interactions per item
        var total = Math.Max(1, _train.Count);
        var batch = Math.Min(_options.BatchSize, examplesPerEpoch);
        var uniformMiss = Math.Pow(1 - (1.0 / itemCount), _options.SampledNegatives);
        var correction = new float[itemCount];
        for (var i = 0; i < itemCount; i++)
        {
            var q = 1 - (Math.Pow(1 - ((double)counts[i] / total), batch) * uniformMiss);
            correction[i] = (float)-Math.Log(Math.Max(q, 1e-12));
        }

        return correction;
    }

    /// <summary>
    /// The additive logit mask: each class's −log q when <paramref name="logQ"/> is given, and −∞ for the user's other
    /// seen items when <paramref name="histories"/> is given.
    /// </summary>
    private static float[] BuildMask(float[]? mask, int rows, int cols, int[] users, int[] targetColumns, UserHistories? histories, int[]? position, ReadOnlySpan<int> classes, float[]? logQ)
    {
        if (mask is null || mask.Length < rows * cols)
        {
            mask = new float[rows * cols];
        }

        if (logQ is null)
        {
            Array.Clear(mask, 0, rows * cols);
        }
        else
        {
            for (var c = 0; c < cols; c++)
            {
                mask[c] = logQ[classes[c]];
            }

            for (var r = 1; r < rows; r++)
            {
                mask.AsSpan(0, cols).CopyTo(mask.AsSpan(r * cols, cols));
            }
        }

        for (var r = 0; histories is not null && r < rows; r++)
        {
            var target = classes[targetColumns[r]];
            foreach (var item in histories.Of(users[r]))
            {
                var column = position is null ? item : position[item];
                if (column >= 0 && item != target)
                {
                    mask[(r * cols) + column] = float.NegativeInfinity;
                }
            }
        }

        return mask;
    }
}
