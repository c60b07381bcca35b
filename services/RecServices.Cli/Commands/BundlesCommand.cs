using System.CommandLine;
using System.Globalization;
using RecServices.Core.Bundles;
using RecServices.Serving.Pipeline;

namespace RecServices.Cli.Commands;

/// <summary>
/// <c>recs bundles list|promote|rollback &lt;root&gt;</c>: the versions of a bundle root, and which one the services
/// serve. Every running service watches the root's <c>current</c> pointer and swaps to the version it names.
/// Promote and rollback take the root's lock (<see cref="BundleRoot.Lock"/>), as training does when it adds, promotes
/// and prunes.
/// </summary>
public static class BundlesCommand
{
    /// <summary>How long a command waits for another one changing the same root.</summary>
    public static readonly TimeSpan LockWait = TimeSpan.FromMinutes(10);

    /// <summary>Says which lines of promotions.log the last read skipped (torn or edited by hand).</summary>
    public static void WarnSkipped(BundleRoot root, TextWriter output)
    {
        foreach (var line in root.SkippedPromotionLines)
        {
            output.WriteLine(
                $"warning: {Path.Combine(root.Path, BundleRoot.PromotionsFile)}:{line} does not read "
                    + "(expected '<UTC time>\t<version>'): skipped"
            );
        }
    }

    public static Command Create(TextWriter output, TextWriter error)
    {
        var listRoot = new Argument<string>("root") { Description = "The bundle root." };
        var list = new Command(
            "list",
            "The versions of a bundle root: created, dataset, validation nDCG@10, size, which is current "
                + "and which is previous."
        )
        {
            listRoot,
        };
        list.SetAction(parse =>
            CommandErrors.Run(error, () => List(new BundleRoot(parse.GetValue(listRoot)!), output))
        );

        var promoteRoot = new Argument<string>("root") { Description = "The bundle root." };
        var version = new Argument<string>("version")
        {
            Description = "The version to serve (a directory under <root>/versions).",
        };
        var promote = new Command(
            "promote",
            "Validate a version fully (checksums, every table, both ONNX towers) and make it current; "
                + "the services swap to it."
        )
        {
            promoteRoot,
            version,
        };
        promote.SetAction(parse =>
            CommandErrors.Run(
                error,
                () =>
                {
                    var root = new BundleRoot(parse.GetValue(promoteRoot)!);
                    using (root.Lock(LockWait))
                    {
                        Promote(root, parse.GetValue(version)!, output);
                    }

                    return 0;
                }
            )
        );

        var rollbackRoot = new Argument<string>("root") { Description = "The bundle root." };
        var rollback = new Command("rollback", "Make the previously promoted version current again (validated first).")
        {
            rollbackRoot,
        };
        rollback.SetAction(parse =>
            CommandErrors.Run(
                error,
                () =>
                {
                    var root = new BundleRoot(parse.GetValue(rollbackRoot)!);
                    using var held = root.Lock(LockWait);
                    var previous = root.PreviousVersion();
                    WarnSkipped(root, output);
                    if (previous is null)
                    {
                        throw new InvalidOperationException(
                            $"{root.Path} has no previous version to roll back to "
                                + $"({root.Promotions().Count} promotion(s) recorded)"
                        );
                    }

                    Promote(root, previous, output);
                    return 0;
                }
            )
        );

        return new Command("bundles", "List, promote and roll back the versions of a bundle root.")
        {
            list,
            promote,
            rollback,
        };
    }

    /// <summary>
    /// Validates <paramref name="version"/> fully, then points <c>current</c> at it; a bad version is refused and
    /// nothing changes.
    /// </summary>
    public static void Promote(BundleRoot root, string version, TextWriter output)
    {
        if (!BundleRoot.IsVersionName(version) || !Directory.Exists(root.VersionPath(version)))
        {
            throw new ArgumentException(
                $"no version '{version}' under {root.VersionsPath}; 'recs bundles list {root.Path}' shows the versions"
            );
        }

        output.WriteLine($"validating {version} ...");
        BundleValidation.Validate(root.VersionPath(version));
        var before = root.CurrentVersion();
        root.SetCurrent(version);
        output.WriteLine(
            before == version
                ? $"{version} is current (it already was)"
                : $"promoted {version} (was {before ?? "none"}); the services swap to it within Recs:BundlePollSeconds"
        );
    }

    private static int List(BundleRoot root, TextWriter output)
    {
        var versions = root.Versions();
        if (versions.Count == 0)
        {
            output.WriteLine(
                root.IsFlat
                    ? $"{root.Path} holds one bundle in the flat layout (no versions); 'recs train --out "
                        + $"{root.Path}' moves it under versions/"
                    : $"{root.Path} holds no versions"
            );
            return root.IsFlat ? 0 : 1;
        }

        var (current, previous) = (root.CurrentVersion(), root.PreviousVersion());
        WarnSkipped(root, output);
        var c = CultureInfo.InvariantCulture;
        output.WriteLine("| version | created (UTC) | dataset | val nDCG@10 | size MB | |");
        output.WriteLine("|---|---|---|---|---|---|");
        foreach (var version in versions)
        {
            var directory = root.VersionPath(version);
            string created,
                dataset,
                ndcg;
            try
            {
                var manifest = Bundle.ReadManifest(directory);
                created = manifest.CreatedAt.ToString("yyyy-MM-dd HH:mm:ss", c);
                dataset = manifest.Dataset.Name;
                ndcg = manifest.Training.Validation.TryGetValue("ndcg@10", out var value)
                    ? value.ToString("F4", c)
                    : "-";
            }
            catch (BundleFormatException e)
            {
                (created, dataset, ndcg) = ("?", "unreadable: " + e.Message, "-");
            }

            var megabytes = Directory.EnumerateFiles(directory).Sum(f => new FileInfo(f).Length) / 1e6;
            var state =
                version == current ? "current"
                : version == previous ? "previous"
                : string.Empty;
            output.WriteLine(
                string.Create(c, $"| {version} | {created} | {dataset} | {ndcg} | {megabytes:F1} | {state} |")
            );
        }

        return 0;
    }
}
