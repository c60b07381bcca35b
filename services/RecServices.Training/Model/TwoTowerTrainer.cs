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

    public TwoTowerTrainer(
        Dataset dataset,
        InteractionTable train,
        ItemFeatures itemFeatures,
        UserFeatures userFeatures,
        TrainingOptions options,
        Action<string> log
    )
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
        var run = Prepare(validation);
        var validationSet = run.Validation;
        var popularity = validationSet.EvaluatePopularity(_itemFeatures.Counts);
        var softmax = run.Full ? "the full catalog" : $"batch positives + {_options.SampledNegatives} sampled items";
        var baseline =
            validationSet.UserCount == 0
                ? "no validation (a refit: every epoch runs, the last is kept)"
                : string.Create(CultureInfo.InvariantCulture, $"popularity baseline val ndcg@10 {popularity.Ndcg:F4}");
        _log(
            string.Create(
                CultureInfo.InvariantCulture,
                $"training on {_train.Count} interactions, {run.ItemCount} items, "
                    + $"{validationSet.UserCount} validation users; softmax over "
                    + $"{softmax}; {baseline}"
            )
        );

        var epochs = new List<EpochRecord>();
        var best = new BestEpoch();
        for (var epoch = 1; epoch <= _options.Epochs; epoch++)
        {
            var epochClock = Stopwatch.StartNew();
            var (lossSum, batches) = TrainEpoch(run, epoch);
            if (NonFinite(run.Network) is { } broken)
            {
                throw Diverged(epoch, batches, $"parameter {broken} holds a NaN or an infinity");
            }

            var (metrics, improved) = Validate(run, best, epoch);
            var seconds = epochClock.Elapsed.TotalSeconds;
            var loss = lossSum / Math.Max(1, batches);
            epochs.Add(new EpochRecord(epoch, loss, metrics.Ndcg, metrics.Recall, seconds));
            var eta = TimeSpan.FromSeconds(seconds * (_options.Epochs - epoch));
            var quality =
                validationSet.UserCount == 0
                    ? string.Empty
                    : string.Create(
                        CultureInfo.InvariantCulture,
                        $"  val ndcg@10 {metrics.Ndcg:F4}  recall@10 {metrics.Recall:F4}  coverage "
                            + $"{metrics.CoveredItems / (double)run.ItemCount:F3}{(improved ? " *" : string.Empty)}"
                    );
            _log(
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"epoch {epoch}/{_options.Epochs}  loss {loss:F4}{quality}  {seconds:F1} s  ETA {eta:mm\\:ss}"
                )
            );
            if (_options.Patience > 0 && epoch - best.Epoch >= _options.Patience)
            {
                _log($"no improvement for {_options.Patience} epochs; keeping epoch {best.Epoch}");
                break;
            }
        }

        if (best.Weights is null)
        {
            throw new InvalidOperationException("training produced no usable epoch: every validation score was NaN");
        }

        run.Network.Restore(best.Weights);
        foreach (var parameter in run.Network.Parameters)
        {
            // what is returned only runs forward: gradients and moments would be 3× its memory
            parameter.ReleaseTrainingState();
        }

        return new TrainingRun(
            run.Network,
            epochs,
            best.Epoch,
            best.Metrics!.ToDictionary(),
            popularity.ToDictionary(),
            clock.Elapsed.TotalSeconds
        );
    }

    /// <summary>
    /// One training's network, optimiser, seeded stream, example order and the buffers its batches reuse.
    /// </summary>
    private sealed class TrainingState
    {
        public required TwoTowerNetwork Network { get; init; }

        public required SoftmaxObjective Objective { get; init; }

        public required Adam Adam { get; init; }

        public required WeightAverage? Average { get; init; }

        public required Random Rng { get; init; }

        /// <summary>The batch's dropped item ids (<see cref="DroppedIds"/>).</summary>
        public bool[] Dropped { get; set; } = [];

        public required UserHistories Histories { get; init; }

        public required ValidationSet Validation { get; init; }

        public required int[] Order { get; init; }

        public required int PerEpoch { get; init; }

        public required int ItemCount { get; init; }

        /// <summary>A softmax over the whole catalog (else over the batch's positives and sampled items).</summary>
        public required bool Full { get; init; }

        public required UserBatch Batch { get; init; }

        public required int[] AllItems { get; init; }

        /// <summary>Each item's column among a sampled batch's classes, -1 when not among them.</summary>
        public required int[] Position { get; init; }

        public required float[]? LogQ { get; init; }

        public List<int> Candidates { get; } = [];

        public List<int> Kept { get; } = [];

        public required int[] Targets { get; init; }

        public required int[] Users { get; init; }

        public float[]? Mask { get; set; }
    }

    /// <summary>The best epoch so far: its number, score, metrics and weights.</summary>
    private sealed class BestEpoch
    {
        public int Epoch { get; set; }

        public double Ndcg { get; set; } = double.NegativeInfinity;

        public MetricAccumulator? Metrics { get; set; }

        public float[][]? Weights { get; set; }
    }

    private TrainingState Prepare(InteractionTable validation)
    {
        var itemCount = _dataset.Items.Count;
        var histories = UserHistories.Build(_train, _dataset.Users.Count);
        var network = new TwoTowerNetwork(
            itemCount,
            _userFeatures.Width,
            _itemFeatures.Width,
            _options.Dimensions,
            _options.Seed
        )
        {
            LearnsNewItemRow = _options.ItemIdDropout > 0,
        };
        var order = Enumerable.Range(0, _train.Count).ToArray();
        var perEpoch =
            _options.MaxExamplesPerEpoch > 0 ? Math.Min(_options.MaxExamplesPerEpoch, order.Length) : order.Length;
        var stepsPerEpoch = Math.Max(1, (perEpoch + _options.BatchSize - 1) / _options.BatchSize);
        var full = itemCount <= _options.FullSoftmaxMaxItems;
        return new TrainingState
        {
            Network = network,
            Objective = new SoftmaxObjective(network),
            Adam = new Adam(_options.LearningRate, _options.WeightDecay),
            Average =
                _options.AverageHalfLife > 0
                    ? new WeightAverage(
                        network.Parameters,
                        Math.Pow(2, -1 / (_options.AverageHalfLife * stepsPerEpoch))
                    )
                    : null,
            Rng = new Random(_options.Seed),
            Histories = histories,
            Validation = new ValidationSet(
                validation,
                histories,
                _dataset.Users,
                _userFeatures,
                _options.ValidationUsers,
                itemCount,
                _options.Seed
            ),
            Order = order,
            PerEpoch = perEpoch,
            ItemCount = itemCount,
            Full = full,
            Batch = new UserBatch(_options.BatchSize, _userFeatures.HistoryLength, _userFeatures.Width),
            AllItems = full ? Enumerable.Range(0, itemCount).ToArray() : [],
            Position = full ? [] : Enumerable.Repeat(-1, itemCount).ToArray(),
            LogQ = full || !_options.LogQCorrection ? null : SamplingLogQ(itemCount, perEpoch),
            Targets = new int[_options.BatchSize],
            Users = new int[_options.BatchSize],
        };
    }

    /// <summary>One pass over the (shuffled) examples in mini-batches; the summed loss and the batch count.</summary>
    private (double LossSum, int Batches) TrainEpoch(TrainingState run, int epoch)
    {
        run.Rng.Shuffle(run.Order);
        double lossSum = 0;
        var batches = 0;
        var batch = run.Batch;
        var progress = new Bundling.StepProgress($"epoch {epoch}/{_options.Epochs}", run.PerEpoch, _log);
        for (var start = 0; start < run.PerEpoch; start += _options.BatchSize)
        {
            batch.Rows = Math.Min(_options.BatchSize, run.PerEpoch - start);
            FillBatch(run, start);
            var classes = Classes(run);
            var masked = _options.MaskSeen || run.LogQ is not null;
            if (masked)
            {
                run.Mask = BuildMask(
                    run.Mask,
                    batch.Rows,
                    classes.Length,
                    run.Users,
                    run.Targets,
                    _options.MaskSeen ? run.Histories : null,
                    run.Full ? null : run.Position,
                    classes,
                    run.LogQ
                );
            }

            var loss = run.Objective.Evaluate(
                batch,
                classes,
                _itemFeatures.Values,
                run.Targets.AsSpan(0, batch.Rows),
                masked ? run.Mask : null,
                backward: true,
                DroppedIds(run, classes.Length)
            );
            if (!double.IsFinite(loss))
            {
                throw Diverged(epoch, batches + 1, $"the loss is {loss}");
            }

            lossSum += loss;
            batches++;
            progress.Advance(batch.Rows);
            run.Average?.BeforeStep();
            run.Adam.Step(run.Network.Parameters);
            run.Average?.AfterStep();
            run.Network.ClearGrads();
            if (!run.Full)
            {
                foreach (var c in run.Candidates)
                {
                    run.Position[c] = -1;
                }
            }
        }

        return (lossSum, batches);
    }

    /// <summary>
    /// The batch's examples from <paramref name="start"/>: each user's other train items (the target left out, some
    /// dropped) and profile.
    /// </summary>
    private void FillBatch(TrainingState run, int start)
    {
        var batch = run.Batch;
        for (var r = 0; r < batch.Rows; r++)
        {
            var row = run.Order[start + r];
            var u = _train.Users[row];
            var target = _train.Items[row];
            run.Users[r] = u;
            run.Kept.Clear();
            foreach (var item in run.Histories.Of(u))
            {
                if (item != target && run.Rng.NextDouble() >= _options.HistoryDropout)
                {
                    run.Kept.Add(item);
                }
            }

            var profile = _dataset.Users[u];
            _userFeatures.Fill(
                System.Runtime.InteropServices.CollectionsMarshal.AsSpan(run.Kept),
                profile.Age,
                profile.Gender,
                batch.HistoryItemsOf(r),
                batch.HistoryWeightsOf(r),
                batch.FeaturesOf(r)
            );
            run.Targets[r] = target;
        }
    }

    /// <summary>
    /// Which of the batch's classes read the new-item embedding instead of their own (each with probability
    /// <see cref="TrainingOptions.ItemIdDropout"/>): the item tower learns to score an item from its features alone,
    /// as it must for items added after training. Empty when the option is 0.
    /// </summary>
    private ReadOnlySpan<bool> DroppedIds(TrainingState run, int classes)
    {
        if (_options.ItemIdDropout <= 0)
        {
            return default;
        }

        if (run.Dropped.Length < classes)
        {
            run.Dropped = new bool[classes];
        }

        for (var c = 0; c < classes; c++)
        {
            run.Dropped[c] = run.Rng.NextDouble() < _options.ItemIdDropout;
        }

        return run.Dropped.AsSpan(0, classes);
    }

    /// <summary>
    /// The softmax's classes for the batch: every item, or the positives plus sampled items (targets then become
    /// columns).
    /// </summary>
    private ReadOnlySpan<int> Classes(TrainingState run)
    {
        if (run.Full)
        {
            return run.AllItems;
        }

        SampleCandidates(run.Targets.AsSpan(0, run.Batch.Rows), run.Position, run.Candidates, run.Rng, run.ItemCount);
        for (var r = 0; r < run.Batch.Rows; r++)
        {
            run.Targets[r] = run.Position[run.Targets[r]];
        }

        return System.Runtime.InteropServices.CollectionsMarshal.AsSpan(run.Candidates);
    }

    /// <summary>
    /// Scores the epoch on validation (with weight averaging, the averaged weights, which the bundle keeps; training
    /// goes on from the raw ones) and keeps it when it is the best so far. Without validation the last epoch is kept;
    /// a non-finite score is never an improvement.
    /// </summary>
    private (MetricAccumulator Metrics, bool Improved) Validate(TrainingState run, BestEpoch best, int epoch)
    {
        var raw = run.Average is null ? null : run.Network.Snapshot();
        if (run.Average is not null)
        {
            run.Network.Restore(run.Average.Snapshot());
        }

        var metrics = run.Validation.Evaluate(run.Network, _itemFeatures.Values);
        var improved = run.Validation.UserCount == 0 || (double.IsFinite(metrics.Ndcg) && metrics.Ndcg > best.Ndcg);
        if (improved)
        {
            (best.Ndcg, best.Epoch, best.Metrics, best.Weights) = (
                metrics.Ndcg,
                epoch,
                metrics,
                run.Network.Snapshot()
            );
        }

        if (raw is not null)
        {
            run.Network.Restore(raw);
        }

        return (metrics, improved);
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

    private InvalidOperationException Diverged(int epoch, int batch, string what) =>
        new(
            string.Create(
                CultureInfo.InvariantCulture,
                $"training diverged in epoch {epoch}, batch {batch}: {what}. Lower the learning rate (now "
                    + $"{_options.LearningRate}) or check the data for extreme values; no bundle was written"
            )
        );

    /// <summary>
    /// Candidates = the batch's distinct positives, then distinct uniform samples; <paramref name="position"/> maps
    /// item → column.
    /// </summary>
    private void SampleCandidates(
        ReadOnlySpan<int> positives,
        int[] position,
        List<int> candidates,
        Random rng,
        int itemCount
    )
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
    private static float[] BuildMask(
        float[]? mask,
        int rows,
        int cols,
        int[] users,
        int[] targetColumns,
        UserHistories? histories,
        int[]? position,
        ReadOnlySpan<int> classes,
        float[]? logQ
    )
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
