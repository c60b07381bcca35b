using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using RecServices.Core.Bundles;
using RecServices.Core.Data;
using RecServices.Core.Evaluation;
using RecServices.Core.Features;
using RecServices.Serving.Inference;
using RecServices.Training.Model;
using RecServices.Training.Onnx;

namespace RecServices.Training.Bundling;

/// <summary>
/// The offline pipeline: carve a validation split out of the dataset, build features, train the towers,
/// export them to ONNX (checking ONNX Runtime against the C# forward pass), precompute V_m with the
/// exported item tower, the item-item table and the top lists, and write a bundle with its manifest.
/// The bundle is written into a temporary sibling directory and moved into place only when complete.
/// </summary>
public sealed class BundleBuilder
{
    /// <summary>Users whose user tower output the ONNX parity check compares.</summary>
    private const int ParityUsers = 300;

    /// <summary>Users whose V_u tune (half) and measure (half) the embedding index's recall.</summary>
    private const int IndexRecallUsers = 2_000;

    private readonly BuildOptions _options;
    private readonly Action<string> _log;
    private readonly List<BuildStep> _steps = [];

    public BundleBuilder(BuildOptions options, Action<string> log)
    {
        _options = options;
        _log = log;
    }

    public BundleManifest Build(Dataset dataset, string outputDirectory)
    {
        var total = Stopwatch.StartNew();
        _steps.Clear();
        _options.Training.Validate();
        var target = Path.GetFullPath(outputDirectory);
        CheckTarget(target);

        var fingerprint = Step("fingerprint the dataset", dataset.Fingerprint);
        var model = Train(dataset);
        var staging = target + ".tmp-" + Guid.NewGuid().ToString("N")[..8];
        Directory.CreateDirectory(staging);
        try
        {
            var tables = WriteTables(dataset, model, staging);
            var manifest = WriteManifest(dataset, model, tables, fingerprint, staging, total);
            Step("verify the written bundle", () => Bundle.Load(staging, BundleParts.All));
            Replace(staging, target);
            // The steps reset the kernel's peak (PeakMemory.Reset), so the build's peak is the largest step's, not what
            // getrusage or /usr/bin/time report at exit (the peak since the last reset only).
            var peak = _steps.Max(s => s.PeakRssBytes);
            _log(
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"bundle {manifest.Version} written to {target} in {total.Elapsed.TotalSeconds:F1} "
                        + $"s{(peak is { } bytes ? $", peak RSS {bytes / 1e9:F2} GB (its largest step)" : string.Empty)}"
                )
            );
            return manifest;
        }
        catch
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }

            throw;
        }
    }

    /// <summary>
    /// What training produced: the settings kept, the carve, the features, the members and how they were chosen.
    /// </summary>
    private sealed record TrainedModel(
        TrainingOptions Training,
        InteractionTable Train,
        InteractionTable Validation,
        ItemCatalog Catalog,
        FeatureSet Features,
        IReadOnlyList<TrainingRun> Runs,
        IReadOnlyList<TwoTowerNetwork> Members,
        IReadOnlyList<SearchTrial> Trials,
        IReadOnlyDictionary<string, double> ValidationMetrics,
        double Beta,
        IReadOnlyList<PenaltyTrial> PenaltyTrials,
        double Seconds
    );

    /// <summary>What the tables step wrote, for the manifest.</summary>
    private sealed record WrittenTables(
        double Parity,
        TowerDimensions Towers,
        SimilarItems Similar,
        bool Exact,
        int Probes,
        int Partitions,
        IndexSummary SimilarBuild,
        IndexSummary EmbeddingIndex
    );

    /// <summary>
    /// The model: the validation carve, the features, the settings search (or one training), the ensemble's other
    /// members, the popularity term chosen on the carve, then the refit on every interaction.
    /// </summary>
    private TrainedModel Train(Dataset dataset)
    {
        var training = _options.Training;
        var (train, validation) = Carve(dataset, training);
        var catalog = new ItemCatalog(dataset.Categories, dataset.Items);
        var features = FitFeatures(dataset, train, catalog, training);
        var clock = Stopwatch.StartNew(); // training proper: search, members and refits
        var (chosen, run, trials) = TrainFirst(dataset, train, validation, features, training);
        var runs = TrainMembers(dataset, train, validation, features, chosen, run);
        var members = runs.Select(r => r.Network).ToList();
        var validationSet =
            validation.Count == 0
                ? null
                : new ValidationSet(
                    validation,
                    UserHistories.Build(train, dataset.Users.Count),
                    dataset.Users,
                    features.Users,
                    chosen.ValidationUsers,
                    dataset.Items.Count,
                    chosen.Seed
                );
        var metrics = EnsembleMetrics(run, runs, members, validationSet, features);
        var (beta, penaltyTrials, penalized) = ChoosePenalty(validationSet, members, features);
        metrics = penalized ?? metrics;
        if (_options.Refit && validation.Count > 0)
        {
            features = Refit(dataset, catalog, chosen, runs, members);
        }

        return new TrainedModel(
            chosen,
            train,
            validation,
            catalog,
            features,
            runs,
            members,
            trials,
            metrics,
            beta,
            penaltyTrials,
            clock.Elapsed.TotalSeconds
        );
    }

    /// <summary>The validation carve: a share of each item's interactions held out (none without a fraction).</summary>
    private (InteractionTable Train, InteractionTable Validation) Carve(Dataset dataset, TrainingOptions training) =>
        training.ValidationFraction > 0
            ? Step(
                "carve the validation split",
                () =>
                    StratifiedSplit.ByItem(
                        dataset.Interactions,
                        dataset.Items.Count,
                        1 - training.ValidationFraction,
                        training.CarveSeed
                    )
            )
            : (dataset.Interactions, new InteractionTable(0));

    /// <summary>
    /// The first network: the settings searched on the validation carve when asked (the search's best run and
    /// its settings), otherwise the given settings trained once.
    /// </summary>
    private (TrainingOptions Chosen, TrainingRun Run, IReadOnlyList<SearchTrial> Trials) TrainFirst(
        Dataset dataset,
        InteractionTable train,
        InteractionTable validation,
        FeatureSet features,
        TrainingOptions training
    )
    {
        if (_options.SearchTrials > 1 && validation.Count > 0)
        {
            var search = Step(
                $"search training settings on the validation carve (at most {_options.SearchTrials} trainings)",
                () =>
                    new HyperparameterSearch(
                        o =>
                            new TwoTowerTrainer(dataset, train, features.Items, features.Users, o, _log).Train(
                                validation
                            ),
                        _log
                    ).Run(training, _options.SearchTrials)
            );
            return (search.Options, search.Run, search.Trials);
        }

        var run = Step(
            "train",
            () => new TwoTowerTrainer(dataset, train, features.Items, features.Users, training, _log).Train(validation)
        );
        return (training, run, []);
    }

    /// <summary>
    /// Every member's run, the first one's first: members past it train the same settings from other seeds on the
    /// same carve.
    /// </summary>
    private List<TrainingRun> TrainMembers(
        Dataset dataset,
        InteractionTable train,
        InteractionTable validation,
        FeatureSet features,
        TrainingOptions training,
        TrainingRun first
    )
    {
        var runs = new List<TrainingRun> { first };
        for (var member = 1; member < training.EnsembleSize; member++)
        {
            var options = training with { Seed = MemberSeed(training.Seed, member) };
            runs.Add(
                Step(
                    $"train ensemble member {member + 1} of {training.EnsembleSize}",
                    () =>
                        new TwoTowerTrainer(dataset, train, features.Items, features.Users, options, _log).Train(
                            validation
                        )
                )
            );
        }

        return runs;
    }

    /// <summary>
    /// The popularity term's β: the one given, or the one chosen on the validation carve with the carve's counts
    /// (none without a carve), with its trials and, when β is not 0, the validation metrics with the term.
    /// </summary>
    private (
        double Beta,
        IReadOnlyList<PenaltyTrial> Trials,
        IReadOnlyDictionary<string, double>? Metrics
    ) ChoosePenalty(ValidationSet? validationSet, List<TwoTowerNetwork> members, FeatureSet features)
    {
        if (validationSet is null)
        {
            return (_options.PopularityPenalty ?? 0, [], null);
        }

        if (_options.PopularityPenalty is not { } given)
        {
            var (scored, chosen) = Step(
                "choose the popularity penalty on the validation carve",
                () =>
                    PopularityPenalty.Choose(validationSet, members, features.Items.Values, features.Items.Counts, _log)
            );
            var beta = scored.Single(t => t.Chosen).Beta;
            return (beta, scored, beta != 0 ? chosen.ToDictionary() : null);
        }

        return given == 0
            ? (0, [], null)
            : (
                given,
                [],
                validationSet
                    .Evaluate(members, features.Items.Values, PopularityPenalty.Offsets(given, features.Items.Counts))
                    .ToDictionary()
            );
    }

    /// <summary>The validation metrics of the first member, or of the whole ensemble when there are several.</summary>
    private IReadOnlyDictionary<string, double> EnsembleMetrics(
        TrainingRun run,
        List<TrainingRun> runs,
        List<TwoTowerNetwork> members,
        ValidationSet? validationSet,
        FeatureSet features
    )
    {
        if (runs.Count == 1 || validationSet is null)
        {
            return run.Validation;
        }

        var metrics = validationSet.Evaluate(members, features.Items.Values).ToDictionary();
        _log(
            string.Create(
                CultureInfo.InvariantCulture,
                $"ensemble of {runs.Count}: validation ndcg@10 {metrics["ndcg@10"]:F4} (members "
                    + $"{string.Join(", ", runs.Select(r => r.Validation["ndcg@10"].ToString("F4", CultureInfo.InvariantCulture)))})"
            )
        );
        return metrics;
    }

    /// <summary>
    /// The carve chose each member's epoch count; now train again on every interaction for that many epochs.
    /// </summary>
    private FeatureSet Refit(
        Dataset dataset,
        ItemCatalog catalog,
        TrainingOptions training,
        List<TrainingRun> runs,
        List<TwoTowerNetwork> members
    )
    {
        var all = dataset.Interactions;
        var refit = FitFeatures(dataset, all, catalog, training);
        for (var member = 0; member < runs.Count; member++)
        {
            var (seed, epochs) = (MemberSeed(training.Seed, member), runs[member].BestEpoch);
            members[member] = Step(
                $"refit{(runs.Count > 1 ? $" member {member + 1}" : string.Empty)} on all {all.Count} "
                    + $"interactions for {epochs} epochs",
                () =>
                    new TwoTowerTrainer(
                        dataset,
                        all,
                        refit.Items,
                        refit.Users,
                        training with
                        {
                            Seed = seed,
                            Epochs = epochs,
                            Patience = 0,
                        },
                        _log
                    )
                        .Train(new InteractionTable(0))
                        .Network
            );
        }

        return refit;
    }

    /// <summary>
    /// The tables into <paramref name="staging"/>: the ONNX towers and V_m (checked for parity), the partitions, the
    /// item-item table (exact or approximate), the embedding index, the top lists, the catalog, users and interactions.
    /// </summary>
    private WrittenTables WriteTables(Dataset dataset, TrainedModel model, string staging)
    {
        var (training, features, members) = (model.Training, model.Features, model.Members);
        // counted on what the bundle's model trained on
        var popularity = PopularityTerm.For(model.Beta, features.Items.Counts);
        var towerWidth = members.Sum(m => m.Dimensions.Output);
        var towers = training.Dimensions with { Output = towerWidth + (popularity is null ? 0 : 1) };

        // V_m of every item comes from the exported item tower run by ONNX Runtime, checked against the C# pass.
        var (parity, vectors, userSample, userSampleCount) = Step(
            "export ONNX towers, precompute item vectors, check parity",
            () => Export(members, features, staging, dataset, popularity, training.Seed)
        );

        // Similar items by the towers' part of V_m alone: the popularity column ranks for a user, not between items.
        var count = dataset.Items.Count;
        var unit = ExactSimilarItems.Normalize(
            popularity is null ? vectors : TowerPart(vectors, count, towers.Output, towerWidth),
            count,
            towerWidth
        );
        var partitionClock = Stopwatch.StartNew();
        var partitions = Step(
            $"partition the items (spherical k-means, {SphericalKMeans.PartitionsFor(count)} partitions)",
            () => ItemPartitions.Fit(unit, count, towerWidth, training.Seed)
        );
        var partitionSeconds = partitionClock.Elapsed.TotalSeconds;
        var (similar, probes, exact, similarBuild) = SimilarItemsTable(
            unit,
            count,
            towerWidth,
            partitions,
            partitionSeconds,
            training.Seed
        );
        var (embeddingIndex, embeddingSummary) = Step(
            "embedding index",
            () =>
                EmbeddingIndexBuilder.Build(
                    vectors,
                    count,
                    towers.Output,
                    partitions,
                    userSample,
                    userSampleCount,
                    partitionSeconds,
                    _log
                )
        );
        var tops = Step("top lists", () => TopListsBuilder.Build(dataset, _options.TopListLength));
        Step(
            "write tables",
            () =>
            {
                model.Catalog.Write(Path.Combine(staging, ItemCatalog.FileName));
                new ItemVectors(dataset.Items.Count, towers.Output, vectors).Write(
                    Path.Combine(staging, ItemVectors.FileName)
                );
                embeddingIndex.Write(Path.Combine(staging, EmbeddingIndex.FileName));
                similar.Write(Path.Combine(staging, SimilarItems.FileName));
                tops.Write(Path.Combine(staging, TopLists.FileName));
                UsersFile.Write(Path.Combine(staging, UsersFile.FileName), dataset.Users);
                InteractionsFile.Write(
                    Path.Combine(staging, InteractionsFile.FileName),
                    dataset.Interactions,
                    dataset.Users.Count,
                    dataset.Items.Count
                );
                return 0;
            }
        );

        return new WrittenTables(
            parity,
            towers,
            similar,
            exact,
            probes,
            partitions.Count,
            similarBuild,
            embeddingSummary
        );
    }

    /// <summary>
    /// The item-item table: exact up to <see cref="BuildOptions.ExactSimilarMaxItems"/> items, else over the
    /// partitions, its recall measured.
    /// </summary>
    private (SimilarItems Table, int Probes, bool Exact, IndexSummary Summary) SimilarItemsTable(
        float[] unit,
        int count,
        int width,
        ItemPartitions partitions,
        double partitionSeconds,
        int seed
    )
    {
        var exact = count <= _options.ExactSimilarMaxItems;
        var clock = Stopwatch.StartNew();
        var (similar, probes) = Step(
            $"item-item table ({(exact ? "exact" : "approximate")}, K = {_options.SimilarItemsK})",
            () =>
                exact
                    ? (ExactSimilarItems.Build(unit, count, width, _options.SimilarItemsK), 0)
                    : PartitionedSimilarItems.Build(unit, count, width, _options.SimilarItemsK, partitions, seed, _log)
        );
        var seconds = clock.Elapsed.TotalSeconds + (exact ? 0 : partitionSeconds);
        if (exact)
        {
            return (similar, probes, true, new IndexSummary("exact", 0, 0, similar.K, 1, 0, Math.Round(seconds, 2)));
        }

        var recall = Step(
            "item-item table recall",
            () => PartitionedSimilarItems.MeasureRecall(unit, count, width, similar, seed + 7)
        );
        var sample = Math.Min(PartitionedSimilarItems.SampleSize, count);
        _log(
            string.Create(
                CultureInfo.InvariantCulture,
                $"item-item table: recall@{similar.K} {recall:F3} against exact search on {sample} "
                    + $"sampled items, {seconds:F1} s with the partitioning"
            )
        );
        return (
            similar,
            probes,
            false,
            new IndexSummary(
                "partitioned cosine (IVF)",
                partitions.Count,
                probes,
                similar.K,
                Math.Round(recall, 4),
                sample,
                Math.Round(seconds, 2)
            )
        );
    }

    /// <summary>
    /// The manifest: what the bundle holds, how it was built and trained, every file with its checksum.
    /// </summary>
    private BundleManifest WriteManifest(
        Dataset dataset,
        TrainedModel model,
        WrittenTables tables,
        string fingerprint,
        string staging,
        Stopwatch total
    )
    {
        var training = model.Training;
        var created = DateTimeOffset.UtcNow;
        var manifest = new BundleManifest
        {
            FormatVersion = BundleManifest.CurrentFormatVersion,
            Version = created.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture) + "-" + fingerprint[..8],
            CreatedAt = created,
            Dataset = new DatasetSummary(
                dataset.Name,
                fingerprint,
                dataset.Items.Count,
                dataset.Users.Count,
                dataset.Interactions.Count,
                model.Train.Count,
                model.Validation.Count
            ),
            Schema = model.Features.Schema,
            Towers = tables.Towers,
            ItemCount = dataset.Items.Count,
            SimilarItemsK = tables.Similar.K,
            SimilarItemsIndex = tables.Exact
                ? "exact"
                : PartitionedSimilarItems.Describe(tables.Partitions, tables.Probes),
            SimilarItemsBuild = tables.SimilarBuild,
            BuildSteps = [.. _steps],
            EmbeddingIndex = tables.EmbeddingIndex,
            Training = TrainingSummaryOf(model, tables, total),
            Files = Directory
                .EnumerateFiles(staging)
                .Select(Path.GetFileName)
                .Order(StringComparer.Ordinal)
                .Select(name => new BundleFile(
                    name!,
                    new FileInfo(Path.Combine(staging, name!)).Length,
                    BundleChecksums.OfFile(Path.Combine(staging, name!))
                ))
                .ToList(),
        };
        File.WriteAllText(Path.Combine(staging, BundleManifest.FileName), BundleChecksums.SerializeManifest(manifest));
        return manifest;
    }

    /// <summary>
    /// How the model was trained, for the manifest: the loss, the settings and how each was chosen, the runs.
    /// </summary>
    private TrainingSummary TrainingSummaryOf(TrainedModel model, WrittenTables tables, Stopwatch total)
    {
        var (training, runs, trials, beta) = (model.Training, model.Runs, model.Trials, model.Beta);
        var seeds = string.Join(", ", Enumerable.Range(0, runs.Count).Select(m => MemberSeed(training.Seed, m)));
        var epochs = string.Join(", ", runs.Select(r => r.BestEpoch));
        return new TrainingSummary
        {
            Loss =
                model.Members[0].ItemCount <= training.FullSoftmaxMaxItems
                    ? "softmax over the full catalog"
                    : $"sampled softmax (batch positives + {training.SampledNegatives} uniform "
                        + $"negatives{(training.LogQCorrection ? ", logQ-corrected" : string.Empty)})",
            Settings = new SortedDictionary<string, string>(
                training.ToSettings().ToDictionary(),
                StringComparer.Ordinal
            )
            {
                ["ensemble"] = runs.Count == 1 ? "no" : $"{runs.Count} members (seeds {seeds}), epochs {epochs}",
                ["search"] =
                    trials.Count == 0
                        ? "off"
                        : $"{trials.Count} trials on the validation carve, kept trial "
                            + $"{trials.Last(t => t.Won).Number}",
                ["refit"] = _options.Refit && model.Validation.Count > 0 ? $"all interactions, {epochs} epochs" : "no",
                ["popularityPenalty"] =
                    beta.ToString(CultureInfo.InvariantCulture)
                    + (
                        model.PenaltyTrials.Count > 0 ? " (chosen on the validation carve)"
                        : _options.PopularityPenalty is null ? " (no validation carve to choose on)"
                        : " (given)"
                    ),
            },
            Epochs = runs[0].Epochs,
            BestEpoch = runs[0].BestEpoch,
            Validation = model.ValidationMetrics,
            PopularityValidation = runs[0].PopularityValidation,
            Search = trials,
            PopularityPenalty = beta,
            PenaltyTrials = model.PenaltyTrials,
            OnnxParityMaxError = tables.Parity,
            TrainingSeconds = Math.Round(model.Seconds, 2),
            TotalSeconds = Math.Round(total.Elapsed.TotalSeconds, 2),
        };
    }

    /// <summary>
    /// Item features, the schema (standardisers fitted on <paramref name="rows"/>), user feature building and the
    /// histories, for one training run.
    /// </summary>
    public static FeatureSet FitFeatures(
        Dataset dataset,
        InteractionTable rows,
        ItemCatalog catalog,
        TrainingOptions training
    )
    {
        var (items, year, popularity, rating, attributes) = ItemFeatures.Build(dataset, rows);
        var histories = UserHistories.Build(rows, dataset.Users.Count);
        var schema = new FeatureSchema
        {
            CategoryCount = dataset.Categories.Count,
            HistoryLength = training.HistoryLength,
            HistoryHalfLife = training.HistoryHalfLife,
            UserFeatureNames = FeatureSchema.UserFeatureNamesFor(dataset.Categories, training.CategoryAffinity),
            ItemFeatureNames = FeatureSchema.ItemFeatureNamesFor(dataset.Categories, attributes),
            ItemAttributes = attributes,
            HistoryLengthScale = Standardizer.Fit(
                Enumerable.Range(0, dataset.Users.Count).Select(u => Math.Log(1 + histories.Of(u).Length))
            ),
            AgeScale = Standardizer.Fit(dataset.Users.Where(u => u.Age.HasValue).Select(u => (double)u.Age!.Value)),
            YearScale = year,
            PopularityScale = popularity,
            RatingScale = rating,
            NewItemRow = dataset.Items.Count,
            NewItemRating = items.MeanRating,
            NewItemLogPopularity = popularity.Mean,
        };
        return new FeatureSet(items, schema, new UserFeatures(schema, catalog.ItemCategories), histories);
    }

    private (double Error, float[] ItemVectors, float[] UserSample, int UserSampleCount) Export(
        IReadOnlyList<TwoTowerNetwork> members,
        FeatureSet features,
        string directory,
        Dataset dataset,
        PopularityTerm? popularity,
        int seed
    )
    {
        var (schema, userFeatures, itemFeatures, histories) = (
            features.Schema,
            features.Users,
            features.Items,
            features.Histories
        );
        var userPath = Path.Combine(directory, Bundle.UserTowerFile);
        var itemPath = Path.Combine(directory, Bundle.ItemTowerFile);
        OnnxTowerExporter.ExportUserTower(members, schema, userPath, popularity);
        OnnxTowerExporter.ExportItemTower(members, schema, itemPath, popularity);
        var towerWidth = members.Sum(m => m.Dimensions.Output);
        var width = towerWidth + (popularity is null ? 0 : 1);

        // Parity on real inputs: up to ParityUsers users' histories (spread over the users) and every item.
        var rows = Math.Min(ParityUsers, dataset.Users.Count);
        var users = new UserBatch(Math.Max(1, rows), schema.HistoryLength, userFeatures.Width) { Rows = rows };
        for (var r = 0; r < rows; r++)
        {
            var u = (int)((long)r * dataset.Users.Count / rows);
            var profile = dataset.Users[u];
            userFeatures.Fill(
                histories.Of(u),
                profile.Age,
                profile.Gender,
                users.HistoryItemsOf(r),
                users.HistoryWeightsOf(r),
                users.FeaturesOf(r)
            );
        }

        using var userModel = new UserTowerModel(userPath, schema, width);
        var userError = rows == 0 ? 0 : OnnxParity.UserTower(members, userModel, users, popularity);
        using var itemModel = new ItemTowerModel(itemPath, itemFeatures.Width, width, Environment.ProcessorCount);
        var onnxVectors = itemModel.AllItemVectors(dataset.Items.Count, itemFeatures.Values);
        var expected = TowerEnsemble.Concatenate(
            members.Select(m => m.AllItemVectors(itemFeatures.Values)).ToList(),
            members.Select(m => m.Dimensions.Output).ToList(),
            dataset.Items.Count
        );
        var itemError = OnnxParity.MaxRelativeDifference(
            popularity is null ? expected : popularity.AppendItems(expected, towerWidth),
            onnxVectors,
            width
        );
        var error = Math.Max(userError, itemError);
        _log(
            string.Create(
                CultureInfo.InvariantCulture,
                $"ONNX Runtime vs C# forward pass: max relative difference {userError:E2} over {rows} "
                    + $"users, {itemError:E2} over all {dataset.Items.Count} items (tolerance "
                    + $"{OnnxParity.Tolerance:E0})"
            )
        );
        if (!(error <= OnnxParity.Tolerance))
        {
            throw new InvalidOperationException(
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"ONNX export check failed: ONNX Runtime differs from the C# forward pass by "
                        + $"{error:E2} (> {OnnxParity.Tolerance:E0}; users {userError:E2}, items {itemError:E2})"
                )
            );
        }

        return (error, onnxVectors, SampleUsers(userModel, features, dataset, seed, out var sampled), sampled);
    }

    /// <summary>
    /// V_u from the exported user tower for up to <see cref="IndexRecallUsers"/> users drawn with
    /// <paramref name="seed"/> (those with a history).
    /// </summary>
    private static float[] SampleUsers(
        UserTowerModel model,
        FeatureSet features,
        Dataset dataset,
        int seed,
        out int count
    )
    {
        var candidates = Enumerable
            .Range(0, dataset.Users.Count)
            .Where(u => features.Histories.Of(u).Length > 0)
            .ToArray();
        new Random(seed + 11).Shuffle(candidates);
        count = Math.Min(IndexRecallUsers, candidates.Length);
        var output = new float[count * model.OutputWidth];
        const int Batch = 256;
        var batch = new UserBatch(Batch, features.Schema.HistoryLength, features.Users.Width);
        for (var start = 0; start < count; start += Batch)
        {
            batch.Rows = Math.Min(Batch, count - start);
            for (var r = 0; r < batch.Rows; r++)
            {
                var u = candidates[start + r];
                var profile = dataset.Users[u];
                features.Users.Fill(
                    features.Histories.Of(u),
                    profile.Age,
                    profile.Gender,
                    batch.HistoryItemsOf(r),
                    batch.HistoryWeightsOf(r),
                    batch.FeaturesOf(r)
                );
            }

            model.Run(
                batch.Rows,
                batch.HistoryItems,
                batch.HistoryWeights,
                batch.Features,
                output.AsMemory(start * model.OutputWidth, batch.Rows * model.OutputWidth)
            );
        }

        return output;
    }

    /// <summary>The first <paramref name="towerWidth"/> of every row of <paramref name="width"/> values.</summary>
    private static float[] TowerPart(float[] vectors, int rows, int width, int towerWidth)
    {
        var result = new float[checked(rows * towerWidth)];
        for (var r = 0; r < rows; r++)
        {
            vectors.AsSpan(r * width, towerWidth).CopyTo(result.AsSpan(r * towerWidth));
        }

        return result;
    }

    /// <summary>
    /// Ensemble member <paramref name="member"/>'s seed (member 0 keeps the given seed, so a single network trains
    /// as before).
    /// </summary>
    public static int MemberSeed(int seed, int member) => seed + (1000 * member);

    private T Step<T>(string name, Func<T> action)
    {
        _log($"{name} ...");
        PeakMemory.Reset();
        var clock = Stopwatch.StartNew();
        var result = action();
        var peak = PeakMemory.Bytes();

        // Large steps leave gigabytes of large-object garbage at a million items (training state, vector copies): give
        // it back before the next step, so that the build's peak is its largest step's working set, not their sum.
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        _steps.Add(new BuildStep(name, Math.Round(clock.Elapsed.TotalSeconds, 2), peak));
        _log(
            string.Create(
                CultureInfo.InvariantCulture,
                $"{name}: {clock.Elapsed.TotalSeconds:F1} "
                    + $"s{(peak is { } bytes ? $", peak RSS {bytes / 1e9:F2} GB" : string.Empty)}"
            )
        );
        return result;
    }

    /// <summary>
    /// The output may be absent, empty, or an earlier bundle; anything else is refused, never deleted.
    /// </summary>
    private void CheckTarget(string target)
    {
        if (File.Exists(target))
        {
            throw new IOException($"output '{target}' is a file; give a directory for the bundle");
        }

        if (Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any())
        {
            if (!File.Exists(Path.Combine(target, BundleManifest.FileName)))
            {
                throw new IOException(
                    $"output directory '{target}' is not empty and holds no bundle; choose an empty or new directory"
                );
            }

            if (!_options.Overwrite)
            {
                throw new IOException(
                    $"output directory '{target}' already holds a bundle; pass --force to replace it"
                );
            }
        }
    }

    private static void Replace(string staging, string target)
    {
        if (Directory.Exists(target))
        {
            var old = target + ".old-" + Guid.NewGuid().ToString("N")[..8];
            Directory.Move(target, old);
            Directory.Move(staging, target);
            Directory.Delete(old, recursive: true);
        }
        else
        {
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            Directory.Move(staging, target);
        }
    }

    /// <summary>
    /// What one training run reads: item features, the schema, user feature building, the users' histories.
    /// </summary>
    public sealed record FeatureSet(
        ItemFeatures Items,
        FeatureSchema Schema,
        UserFeatures Users,
        UserHistories Histories
    );
}
