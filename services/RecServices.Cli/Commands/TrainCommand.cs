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
public static class TrainCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var defaults = new TrainingOptions();
        var synthetic = new SyntheticOptions();
        var data = new Option<string>("--data")
        {
            Description = "A MovieLens folder (100K, 1M/10M or latest/25M/32M, detected) or 'synthetic'.",
            Required = true,
        };
        var outDir = new Option<string>("--out")
        {
            Description =
                "The bundle root: the new version goes to <root>/versions/<version> (a bundle found at the root itself is moved under versions/ first).",
            Required = true,
        };
        var noPromote = new Option<bool>("--no-promote")
        {
            Description = "Add the version without making it current (promote it later with 'recs bundles promote').",
        };
        var keep = new Option<int>("--keep")
        {
            Description =
                "Versions kept in the root (the oldest beyond this are deleted; never the current or the previous one).",
            DefaultValueFactory = _ => 5,
        };
        var epochs = new Option<int>("--epochs")
        {
            Description = "Most training epochs (early stopping may end sooner).",
            DefaultValueFactory = _ => defaults.Epochs,
        };
        var seed = new Option<int>("--seed")
        {
            Description = "Seed of training and of synthetic data.",
            DefaultValueFactory = _ => defaults.Seed,
        };
        var batch = new Option<int>("--batch-size")
        {
            Description = "Examples per mini-batch.",
            DefaultValueFactory = _ => defaults.BatchSize,
        };
        var lr = new Option<float>("--learning-rate")
        {
            Description = "Adam learning rate.",
            DefaultValueFactory = _ => defaults.LearningRate,
        };
        var dim = new Option<int>("--dim")
        {
            Description = "Width of V_u and V_m (and of the id embeddings).",
            DefaultValueFactory = _ => defaults.Dimensions.Output,
        };
        var maxExamples = new Option<int>("--max-examples-per-epoch")
        {
            Description = "Cap on examples per epoch (0 = all), for very large data.",
            DefaultValueFactory = _ => 0,
        };
        var dropout = new Option<double>("--history-dropout")
        {
            Description = "Probability of dropping each history item from a training example.",
            DefaultValueFactory = _ => defaults.HistoryDropout,
        };
        var decay = new Option<float>("--weight-decay")
        {
            Description = "Decoupled (AdamW) weight decay.",
            DefaultValueFactory = _ => defaults.WeightDecay,
        };
        var fullMax = new Option<int>("--full-softmax-max-items")
        {
            Description = "Softmax over the whole catalog up to this many items; above it, sampled softmax.",
            DefaultValueFactory = _ => defaults.FullSoftmaxMaxItems,
        };
        var negatives = new Option<int>("--sampled-negatives")
        {
            Description = "Uniform negatives per batch for the sampled softmax (besides the batch's positives).",
            DefaultValueFactory = _ => defaults.SampledNegatives,
        };
        var noLogQ = new Option<bool>("--no-logq")
        {
            Description = "Sampled softmax without the logQ correction for how often each item is sampled.",
        };
        var noMask = new Option<bool>("--no-mask-seen")
        {
            Description = "Keep each user's other seen items in their softmax as negatives.",
        };
        var validation = new Option<double>("--validation-fraction")
        {
            Description = "Share of interactions carved out (per item) for validation and early stopping.",
            DefaultValueFactory = _ => defaults.ValidationFraction,
        };
        var k = new Option<int>("--similar-k")
        {
            Description = "Neighbours per item in the item-item table.",
            DefaultValueFactory = _ => 10,
        };
        var users = new Option<int>("--synthetic-users")
        {
            Description = "Synthetic data: users.",
            DefaultValueFactory = _ => synthetic.Users,
        };
        var items = new Option<int>("--synthetic-items")
        {
            Description = "Synthetic data: items.",
            DefaultValueFactory = _ => synthetic.Items,
        };
        var interactions = new Option<long>("--synthetic-interactions")
        {
            Description = "Synthetic data: interactions.",
            DefaultValueFactory = _ => synthetic.Interactions,
        };
        var recorded = new Option<string?>("--interactions")
        {
            Description =
                "Also train on the interactions the gateways recorded: the user store's SQLite file, or redis://host:port (StackExchange.Redis options may follow after a comma). New users are added; interactions with items not in the dataset's catalog are counted and skipped.",
        };
        var ensemble = new Option<int>("--ensemble")
        {
            Description =
                "Networks trained from different seeds and served as one (towers concatenated: the score is the sum of theirs).",
            DefaultValueFactory = _ => defaults.EnsembleSize,
        };
        var average = new Option<double>("--weight-average")
        {
            Description =
                "Half-life in epochs of the moving average of the weights that validation scores and the bundle keeps (0 = raw weights).",
            DefaultValueFactory = _ => defaults.AverageHalfLife,
        };
        var halfLife = new Option<double>("--history-half-life")
        {
            Description = "Recency weighting of the user's history: half-life in items (0 = the plain mean).",
            DefaultValueFactory = _ => defaults.HistoryHalfLife,
        };
        var noAffinity = new Option<bool>("--no-genre-affinity")
        {
            Description = "Leave the per-genre affinities of the history out of the user tower's features.",
        };
        var search = SearchOption.Create();
        var penalty = PopularityPenaltyOption.Create();
        var historyLength = new Option<int>("--history-length")
        {
            Description = "The most recent history items the user tower reads (its cost per example grows with it).",
            DefaultValueFactory = _ => defaults.HistoryLength,
        };
        var noRefit = new Option<bool>("--no-refit")
        {
            Description =
                "Keep the model trained on the carve's train part (skip training again on every interaction): quicker, and its validation numbers are the served model's.",
        };
        var noSearch = new Option<bool>("--no-search")
        {
            Description = "Take the given settings as they are (the same as --search-trials 1).",
        };
        var command = new Command(
            "train",
            "Train the two towers and write a bundle (ONNX towers, item vectors, item-item table, top lists, manifest)."
        )
        {
            data,
            outDir,
            epochs,
            seed,
            batch,
            lr,
            dim,
            maxExamples,
            dropout,
            decay,
            fullMax,
            negatives,
            noLogQ,
            noMask,
            validation,
            k,
            users,
            items,
            interactions,
            recorded,
            noPromote,
            keep,
            search,
            noSearch,
            noRefit,
            historyLength,
            penalty,
            ensemble,
            average,
            halfLife,
            noAffinity,
        };
        command.SetAction(
            (parse, cancellationToken) =>
                CommandErrors.RunAsync(
                    error,
                    async () =>
                    {
                        var d = parse.GetValue(dim);
                        var options = new BuildOptions
                        {
                            SimilarItemsK = parse.GetValue(k),
                            SearchTrials = parse.GetValue(noSearch) ? 1 : SearchOption.Read(parse.GetValue(search)),
                            Refit = !parse.GetValue(noRefit),
                            PopularityPenalty = PopularityPenaltyOption.Read(parse.GetValue(penalty)),
                            Training = defaults with
                            {
                                Epochs = parse.GetValue(epochs),
                                Seed = parse.GetValue(seed),
                                BatchSize = parse.GetValue(batch),
                                LearningRate = parse.GetValue(lr),
                                MaxExamplesPerEpoch = parse.GetValue(maxExamples),
                                HistoryDropout = parse.GetValue(dropout),
                                WeightDecay = parse.GetValue(decay),
                                FullSoftmaxMaxItems = parse.GetValue(fullMax),
                                SampledNegatives = parse.GetValue(negatives),
                                MaskSeen = !parse.GetValue(noMask),
                                LogQCorrection = !parse.GetValue(noLogQ),
                                HistoryLength = parse.GetValue(historyLength),
                                ValidationFraction = parse.GetValue(validation),
                                EnsembleSize = parse.GetValue(ensemble),
                                AverageHalfLife = parse.GetValue(average),
                                HistoryHalfLife = parse.GetValue(halfLife),
                                GenreAffinity = !parse.GetValue(noAffinity),
                                Dimensions = new TowerDimensions(d, d, Math.Max(2 * d, 64), d),
                            },
                        };
                        options.Training.Validate(); // before loading: bad options fail fast
                        if (parse.GetValue(keep) < 1)
                        {
                            throw new ArgumentException("--keep must be at least 1");
                        }

                        var root = OpenRoot(parse.GetValue(outDir)!, output);
                        var dataset = DataSource.Load(
                            parse.GetValue(data)!,
                            synthetic with
                            {
                                Seed = parse.GetValue(seed),
                                Users = parse.GetValue(users),
                                Items = parse.GetValue(items),
                                Interactions = parse.GetValue(interactions),
                            },
                            output
                        );
                        if (parse.GetValue(recorded) is { } store)
                        {
                            dataset = await AddRecordedAsync(dataset, store, output, cancellationToken);
                        }

                        var incoming = Path.Combine(
                            root.VersionsPath,
                            ".incoming-" + Guid.NewGuid().ToString("N")[..8]
                        );
                        var manifest = new BundleBuilder(options, line => output.WriteLine(line)).Build(
                            dataset,
                            incoming
                        );
                        var version = root.AddVersion(incoming, manifest.Version);
                        output.WriteLine($"added version {version} to {root.Path}");
                        if (!parse.GetValue(noPromote))
                        {
                            BundlesCommand.Promote(root, version, output);
                        }

                        foreach (var deleted in root.Prune(parse.GetValue(keep)))
                        {
                            output.WriteLine(
                                $"deleted version {deleted} (more than --keep {parse.GetValue(keep)} versions)"
                            );
                        }

                        InspectCommand.PrintSummary(manifest, output);
                        return 0;
                    }
                )
        );
        return command;
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
                $"moved the bundle at {root.Path} to {BundleRoot.VersionsFolder}/{migrated} and pointed '{BundleRoot.CurrentFile}' at it (the layout with versions; services serve it as before)"
            );
        }
        else if (
            File.Exists(root.Path)
            || (
                Directory.Exists(root.Path)
                && Directory.EnumerateFileSystemEntries(root.Path).Any()
                && !Directory.Exists(root.VersionsPath)
                && root.CurrentVersion() is null
            )
        )
        {
            throw new IOException(
                $"'{root.Path}' is neither a bundle root nor empty; give a new or empty directory, or an existing bundle root"
            );
        }

        return root; // created when the first version is written
    }

    /// <summary>The dataset plus every interaction in the store's log.</summary>
    public static async Task<Dataset> AddRecordedAsync(
        Dataset dataset,
        string store,
        TextWriter output,
        CancellationToken cancellationToken
    )
    {
        output.WriteLine($"reading recorded interactions from {store}");
        var log = new List<RecordedInteraction>();
        await using (var source = UserStores.OpenLog(store))
        {
            await foreach (var interaction in source.ReadAllAsync(cancellationToken))
            {
                log.Add(interaction);
            }
        }

        var (merged, merge) = RecordedInteractions.AppendTo(dataset, log);
        output.WriteLine(
            string.Create(
                CultureInfo.InvariantCulture,
                $"recorded interactions: {log.Count} read, {merge.Added} added ({merge.NewUsers} new users), {merge.SkippedUnknownItems} skipped because their item is not in the catalog ({merge.UnknownItemIds} distinct ids)"
            )
        );
        return merged;
    }
}
