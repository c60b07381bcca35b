using System.CommandLine;
using System.Globalization;
using RecServices.Core.Bundles;
using RecServices.Core.Data;
using RecServices.Training.Bundling;
using RecServices.Training.Model;
using RecServices.Users;

namespace RecServices.Cli.Commands;

/// <summary>
/// <c>recs train --data &lt;folder | synthetic&gt; [--interactions &lt;store&gt;] --out &lt;root&gt; [--no-promote]
/// [--keep N]</c>: builds a bundle from the dataset plus, when given, every interaction the gateways recorded in
/// the user store, adds it to the bundle root as a new version, validates and promotes it, and keeps the newest N
/// versions.
/// </summary>
internal static class TrainCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var options = new TrainOptions();
        return CommandDefinition.Of(
            "train",
            "Train the two towers and write a bundle (ONNX towers, item vectors, item-item table, top "
                + "lists, manifest).",
            options.All,
            error,
            (parse, cancellationToken) => ExecuteAsync(options.Read(parse), output, cancellationToken)
        );
    }

    /// <summary>
    /// Loads the data (and the recorded interactions), builds the bundle into the root as a new version, promotes
    /// it unless asked not to, and prunes the oldest versions.
    /// </summary>
    private static async Task<int> ExecuteAsync(
        TrainArguments run,
        TextWriter output,
        CancellationToken cancellationToken
    )
    {
        BundleRoot root;
        // an existing root may need its flat bundle moved and dead runs cleared, under the lock; a new one is created
        // only once there is a version to add (a run that fails leaves nothing behind)
        using (Directory.Exists(run.OutDir) ? new BundleRoot(run.OutDir).Lock(BundlesCommand.LockWait) : null)
        {
            root = OpenRoot(run.OutDir, output);
            foreach (var stale in root.RemoveStaleIncoming(DateTimeOffset.UtcNow))
            {
                output.WriteLine($"removed {stale}: a training run that died before adding its version");
            }
        }

        var dataset = await DataSource.LoadAsync(run.Data, run.Synthetic, run.Strict, output, cancellationToken);
        if (run.Recorded is { } store)
        {
            dataset = await AddRecordedAsync(dataset, store, output, cancellationToken);
        }

        var incoming = Path.Combine(root.VersionsPath, ".incoming-" + Guid.NewGuid().ToString("N")[..8]);
        var manifest = new BundleBuilder(run.Build, line => output.WriteLine(line)).Build(dataset, incoming);

        // built without the lock (hours, maybe); added, promoted and pruned under it
        using (root.Lock(BundlesCommand.LockWait))
        {
            var version = root.AddVersion(incoming, manifest.Version);
            output.WriteLine($"added version {version} to {root.Path}");
            if (run.Promote)
            {
                BundlesCommand.Promote(root, version, output);
            }

            foreach (var deleted in root.Prune(run.Keep))
            {
                output.WriteLine($"deleted version {deleted} (more than --keep {run.Keep} versions)");
            }

            BundlesCommand.WarnSkipped(root, output);
        }

        InspectCommand.PrintSummary(manifest, output);
        return 0;
    }

    /// <summary>
    /// The root to add a version to: new, empty, already a root, or a bundle in the flat layout (moved under
    /// versions/).
    /// </summary>
    private static BundleRoot OpenRoot(string path, TextWriter output)
    {
        var root = new BundleRoot(path);
        if (root.MigrateFlat() is { } migrated)
        {
            output.WriteLine(
                $"moved the bundle at {root.Path} to {BundleRoot.VersionsFolder}/{migrated} and pointed "
                    + $"'{BundleRoot.CurrentFile}' at it (the layout with versions; services serve it as before)"
            );
        }
        else if (
            File.Exists(root.Path)
            || (
                Directory.Exists(root.Path)
                && Directory
                    .EnumerateFileSystemEntries(root.Path)
                    .Any(e => !Path.GetFileName(e).StartsWith(BundleRoot.LockFile, StringComparison.Ordinal))
                && !Directory.Exists(root.VersionsPath)
                && root.CurrentVersion() is null
            )
        )
        {
            throw new IOException(
                $"'{root.Path}' is neither a bundle root nor empty; give a new or empty directory, or an "
                    + $"existing bundle root"
            );
        }

        return root; // created when the first version is written
    }

    /// <summary>
    /// The dataset plus every interaction in the store's log, less every row of the users erased from the store up to
    /// their erasure.
    /// </summary>
    public static async Task<Dataset> AddRecordedAsync(
        Dataset dataset,
        string store,
        TextWriter output,
        CancellationToken cancellationToken
    )
    {
        output.WriteLine($"reading recorded interactions from {UserStores.Describe(store)}");
        var log = new List<RecordedInteraction>();
        var erasures = new List<Erasure>();
        CatalogAdditionsReport? added = null;
        await using (var source = UserStores.OpenLog(store))
        {
            if (source is ICatalogStore catalog)
            {
                // the catalog service's items first: interactions recorded with new items then find them
                var changes = await catalog.ReadCatalogChangesAsync(0, cancellationToken);
                (dataset, added) = CatalogAdditions.Apply(
                    dataset,
                    [
                        .. changes
                            .Items.Where(i => i.Metadata is not null)
                            .OrderBy(i => i.Ordinal)
                            .Select(i => new CatalogItemUpdate(
                                i.ItemId,
                                i.Metadata!.Title,
                                i.Metadata.Categories,
                                i.Metadata.Year,
                                i.Metadata.Attributes
                            )),
                    ]
                );
            }

            await foreach (var interaction in source.ReadAllAsync(cancellationToken))
            {
                log.Add(interaction);
            }

            await foreach (var erasure in source.ReadErasuresAsync(cancellationToken))
            {
                erasures.Add(erasure);
            }
        }

        if (added is { Added: > 0 } or { Updated: > 0 })
        {
            output.WriteLine(
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"catalog service: {added.Added} items added and {added.Updated} updated with their metadata, "
                        + $"{added.NewCategories} new categories, {added.IgnoredAttributes} attribute names that are "
                        + $"not a column of the data (not read)"
                )
            );
        }

        var (appended, merge) = RecordedInteractions.AppendTo(dataset, log);
        var (merged, usersErased, rowsErased) = Erasures.Apply(appended, erasures);
        output.WriteLine(
            string.Create(
                CultureInfo.InvariantCulture,
                $"recorded interactions: {log.Count} read, {merge.Added} added ({merge.NewUsers} new "
                    + $"users), {merge.SkippedUnknownItems} skipped because their item is not in the catalog "
                    + $"({merge.UnknownItemIds} distinct ids), {merge.Collapsed} folded into a newer event of "
                    + $"the same user and item; erasures: {erasures.Count} recorded, {usersErased} users and "
                    + $"{rowsErased} rows left out"
            )
        );
        return merged;
    }

    /// <summary>What one <c>recs train</c> run was asked for, checked.</summary>
    private sealed record TrainArguments(
        string Data,
        SyntheticOptions Synthetic,
        string? Recorded,
        string OutDir,
        BuildOptions Build,
        bool Promote,
        int Keep,
        bool Strict
    );

    /// <summary><c>recs train</c>'s options: the data, the root, and the training settings (defaults from
    /// <see cref="TrainingOptions"/>).</summary>
    private sealed class TrainOptions
    {
        private static readonly TrainingOptions Defaults = new();
        private static readonly SyntheticOptions Synthetic = new();

        public Option<string> Data { get; } =
            new("--data")
            {
                Description =
                    "A dataset folder (the table format of docs/data.md: interactions, items, users as Parquet or "
                    + "CSV; or MovieLens 100K, 1M/10M, latest/25M/32M; detected) or 'synthetic'.",
                Required = true,
            };
        public Option<string> OutDir { get; } =
            new("--out")
            {
                Description =
                    "The bundle root: the new version goes to <root>/versions/<version> (a bundle found at "
                    + "the root itself is moved under versions/ first).",
                Required = true,
            };
        public Option<bool> Strict { get; } = DataCommand.StrictOption();
        public Option<bool> NoPromote { get; } =
            new("--no-promote")
            {
                Description =
                    "Add the version without making it current (promote it later with 'recs bundles promote').",
            };
        public Option<int> Keep { get; } =
            new("--keep")
            {
                Description =
                    "Versions kept in the root (the oldest beyond this are deleted; never the current or the "
                    + "previous one).",
                DefaultValueFactory = _ => 5,
            };
        public Option<int> Epochs { get; } =
            new("--epochs")
            {
                Description = "Most training epochs (early stopping may end sooner).",
                DefaultValueFactory = _ => Defaults.Epochs,
            };
        public Option<int> Seed { get; } =
            new("--seed")
            {
                Description = "Seed of training and of synthetic data.",
                DefaultValueFactory = _ => Defaults.Seed,
            };
        public Option<int> Batch { get; } =
            new("--batch-size")
            {
                Description = "Examples per mini-batch.",
                DefaultValueFactory = _ => Defaults.BatchSize,
            };
        public Option<float> Lr { get; } =
            new("--learning-rate")
            {
                Description = "Adam learning rate.",
                DefaultValueFactory = _ => Defaults.LearningRate,
            };
        public Option<int> Dim { get; } =
            new("--dim")
            {
                Description = "Width of V_u and V_m (and of the id embeddings).",
                DefaultValueFactory = _ => Defaults.Dimensions.Output,
            };
        public Option<int> MaxExamples { get; } =
            new("--max-examples-per-epoch")
            {
                Description = "Cap on examples per epoch (0 = all), for very large data.",
                DefaultValueFactory = _ => 0,
            };
        public Option<double> Dropout { get; } =
            new("--history-dropout")
            {
                Description = "Probability of dropping each history item from a training example.",
                DefaultValueFactory = _ => Defaults.HistoryDropout,
            };
        public Option<double> IdDropout { get; } = ItemIdDropoutOption.Create();
        public Option<float> Decay { get; } =
            new("--weight-decay")
            {
                Description = "Decoupled (AdamW) weight decay.",
                DefaultValueFactory = _ => Defaults.WeightDecay,
            };
        public Option<int> FullMax { get; } =
            new("--full-softmax-max-items")
            {
                Description = "Softmax over the whole catalog up to this many items; above it, sampled softmax.",
                DefaultValueFactory = _ => Defaults.FullSoftmaxMaxItems,
            };
        public Option<int> Negatives { get; } =
            new("--sampled-negatives")
            {
                Description = "Uniform negatives per batch for the sampled softmax (besides the batch's positives).",
                DefaultValueFactory = _ => Defaults.SampledNegatives,
            };
        public Option<bool> NoLogQ { get; } =
            new("--no-logq")
            {
                Description = "Sampled softmax without the logQ correction for how often each item is sampled.",
            };
        public Option<bool> NoMask { get; } =
            new("--no-mask-seen") { Description = "Keep each user's other seen items in their softmax as negatives." };
        public Option<double> Validation { get; } =
            new("--validation-fraction")
            {
                Description = "Share of interactions carved out (per item) for validation and early stopping.",
                DefaultValueFactory = _ => Defaults.ValidationFraction,
            };
        public Option<int> K { get; } =
            new("--similar-k")
            {
                Description = "Neighbours per item in the item-item table.",
                DefaultValueFactory = _ => 10,
            };
        public Option<int> Users { get; } =
            new("--synthetic-users")
            {
                Description = "Synthetic data: users.",
                DefaultValueFactory = _ => Synthetic.Users,
            };
        public Option<int> Items { get; } =
            new("--synthetic-items")
            {
                Description = "Synthetic data: items.",
                DefaultValueFactory = _ => Synthetic.Items,
            };
        public Option<long> Interactions { get; } =
            new("--synthetic-interactions")
            {
                Description = "Synthetic data: interactions.",
                DefaultValueFactory = _ => Synthetic.Interactions,
            };
        public Option<string?> Recorded { get; } =
            new("--interactions")
            {
                Description =
                    "Also train on the interactions the gateways recorded: the user store's SQLite file, or "
                    + "redis://host:port (StackExchange.Redis options may follow after a comma). New users are "
                    + "added; interactions with items not in the dataset's catalog are counted and skipped.",
            };
        public Option<int> Ensemble { get; } =
            new("--ensemble")
            {
                Description =
                    "Networks trained from different seeds and served as one (towers concatenated: the score "
                    + "is the sum of theirs).",
                DefaultValueFactory = _ => Defaults.EnsembleSize,
            };
        public Option<double> Average { get; } =
            new("--weight-average")
            {
                Description =
                    "Half-life in epochs of the moving average of the weights that validation scores and the "
                    + "bundle keeps (0 = raw weights).",
                DefaultValueFactory = _ => Defaults.AverageHalfLife,
            };
        public Option<double> HalfLife { get; } =
            new("--history-half-life")
            {
                Description = "Recency weighting of the user's history: half-life in items (0 = the plain mean).",
                DefaultValueFactory = _ => Defaults.HistoryHalfLife,
            };
        public Option<bool> NoAffinity { get; } =
            new("--no-category-affinity", "--no-genre-affinity")
            {
                Description =
                    "Leave the per-category affinities of the history out of the user tower's features "
                    + "(--no-genre-affinity is the name it had when categories were MovieLens genres).",
            };
        public Option<int> HistoryLength { get; } =
            new("--history-length")
            {
                Description =
                    "The most recent history items the user tower reads (its cost per example grows with it).",
                DefaultValueFactory = _ => Defaults.HistoryLength,
            };
        public Option<bool> NoRefit { get; } =
            new("--no-refit")
            {
                Description =
                    "Keep the model trained on the carve's train part (skip training again on every "
                    + "interaction): quicker, and its validation numbers are the served model's.",
            };
        public Option<bool> NoSearch { get; } =
            new("--no-search") { Description = "Take the given settings as they are (the same as --search-trials 1)." };
        public Option<int> Search { get; } = SearchOption.Create();
        public Option<string> Penalty { get; } = PopularityPenaltyOption.Create();

        public Option[] All =>
            [
                Data,
                Strict,
                OutDir,
                Epochs,
                Seed,
                Batch,
                Lr,
                Dim,
                MaxExamples,
                Dropout,
                IdDropout,
                Decay,
                FullMax,
                Negatives,
                NoLogQ,
                NoMask,
                Validation,
                K,
                Users,
                Items,
                Interactions,
                Recorded,
                NoPromote,
                Keep,
                Search,
                NoSearch,
                NoRefit,
                HistoryLength,
                Penalty,
                Ensemble,
                Average,
                HalfLife,
                NoAffinity,
            ];

        /// <summary>The run the options ask for; bad training settings fail here, before any data is loaded.</summary>
        public TrainArguments Read(ParseResult parse)
        {
            var build = new BuildOptions
            {
                SimilarItemsK = parse.GetValue(K),
                SearchTrials = parse.GetValue(NoSearch) ? 1 : SearchOption.Read(parse.GetValue(Search)),
                Refit = !parse.GetValue(NoRefit),
                PopularityPenalty = PopularityPenaltyOption.Read(parse.GetValue(Penalty)),
                Training = Training(parse),
            };
            build.Training.Validate();
            var keep = parse.GetValue(Keep);
            if (keep < 1)
            {
                throw new ArgumentException("--keep must be at least 1");
            }

            var synthetic = Synthetic with
            {
                Seed = parse.GetValue(Seed),
                Users = parse.GetValue(Users),
                Items = parse.GetValue(Items),
                Interactions = parse.GetValue(Interactions),
            };
            return new TrainArguments(
                parse.GetValue(Data)!,
                synthetic,
                parse.GetValue(Recorded),
                parse.GetValue(OutDir)!,
                build,
                !parse.GetValue(NoPromote),
                keep,
                parse.GetValue(Strict)
            );
        }

        private TrainingOptions Training(ParseResult parse)
        {
            var d = parse.GetValue(Dim);
            return Defaults with
            {
                Epochs = parse.GetValue(Epochs),
                Seed = parse.GetValue(Seed),
                BatchSize = parse.GetValue(Batch),
                LearningRate = parse.GetValue(Lr),
                MaxExamplesPerEpoch = parse.GetValue(MaxExamples),
                HistoryDropout = parse.GetValue(Dropout),
                ItemIdDropout = parse.GetValue(IdDropout),
                WeightDecay = parse.GetValue(Decay),
                FullSoftmaxMaxItems = parse.GetValue(FullMax),
                SampledNegatives = parse.GetValue(Negatives),
                MaskSeen = !parse.GetValue(NoMask),
                LogQCorrection = !parse.GetValue(NoLogQ),
                HistoryLength = parse.GetValue(HistoryLength),
                ValidationFraction = parse.GetValue(Validation),
                EnsembleSize = parse.GetValue(Ensemble),
                AverageHalfLife = parse.GetValue(Average),
                HistoryHalfLife = parse.GetValue(HalfLife),
                CategoryAffinity = !parse.GetValue(NoAffinity),
                Dimensions = new TowerDimensions(d, d, Math.Max(2 * d, 64), d),
            };
        }
    }
}
