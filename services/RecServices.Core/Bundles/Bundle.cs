using System.Text;
using System.Text.Json;
using RecServices.Core.Data;

namespace RecServices.Core.Bundles;

/// <summary>
/// A loaded bundle: the manifest, validated tables and the paths of the two ONNX towers. Loading verifies
/// the manifest's self-checksum and the size and SHA-256 of every file it lists before reading anything,
/// then validates each table field by field and against the manifest; any problem is a
/// <see cref="BundleFormatException"/> naming the file.
/// </summary>
public sealed class Bundle
{
    public const string UserTowerFile = "user_tower.onnx";
    public const string ItemTowerFile = "item_tower.onnx";

    /// <summary>Every file a bundle must list in its manifest.</summary>
    public static readonly IReadOnlyList<string> RequiredFiles =
    [
        UserTowerFile,
        ItemTowerFile,
        ItemCatalog.FileName,
        ItemVectors.FileName,
        SimilarItems.FileName,
        TopLists.FileName,
        UsersFile.FileName,
        InteractionsFile.FileName,
    ];

    private Bundle(string directory, BundleManifest manifest, ItemCatalog catalog)
    {
        Directory = directory;
        Manifest = manifest;
        Catalog = catalog;
    }

    public string Directory { get; }

    public BundleManifest Manifest { get; }

    public ItemCatalog Catalog { get; }

    /// <summary>Loaded with <see cref="BundleParts.Vectors"/>.</summary>
    public ItemVectors? Vectors { get; private init; }

    /// <summary>Loaded with <see cref="BundleParts.SimilarItems"/>.</summary>
    public SimilarItems? Similar { get; private init; }

    /// <summary>Loaded with <see cref="BundleParts.TopLists"/>.</summary>
    public TopLists? Tops { get; private init; }

    /// <summary>The embedding source's index, when loaded and the bundle has one.</summary>
    public EmbeddingIndex? Index { get; private init; }

    /// <summary>Loaded with <see cref="BundleParts.Users"/>.</summary>
    public IReadOnlyList<User>? Users { get; private init; }

    /// <summary>Loaded with <see cref="BundleParts.Users"/>: the interactions the model was trained on.</summary>
    public InteractionTable? Interactions { get; private init; }

    public string UserTowerPath => Path.Combine(Directory, UserTowerFile);

    /// <summary>
    /// The same bundle without its users and interactions (once they have seeded the user store, nothing reads
    /// them).
    /// </summary>
    public Bundle WithoutUsers() =>
        new(Directory, Manifest, Catalog)
        {
            Vectors = Vectors,
            Similar = Similar,
            Tops = Tops,
            Index = Index,
        };

    public string ItemTowerPath => Path.Combine(Directory, ItemTowerFile);

    /// <summary>
    /// Loads what <paramref name="rootOrDirectory"/> serves: the current version of a bundle root, or a bundle
    /// directory itself (see <see cref="BundleRoot"/>).
    /// </summary>
    public static Bundle LoadServed(string rootOrDirectory, BundleParts parts = BundleParts.All) =>
        Load(new BundleRoot(rootOrDirectory).ServedDirectory(), parts);

    public static Bundle Load(string directory, BundleParts parts = BundleParts.All)
    {
        var manifest = ReadManifest(directory);
        var problems = VerifyFiles(directory, manifest, FilesOf(manifest, parts))
            .Where(p => p.Problem is not null)
            .ToList();
        if (problems.Count > 0)
        {
            throw new BundleFormatException(problems[0].Name, problems[0].Problem!);
        }

        var catalog = ItemCatalog.Read(Path.Combine(directory, ItemCatalog.FileName));
        if (catalog.Count != manifest.ItemCount)
        {
            throw new BundleFormatException(
                ItemCatalog.FileName,
                $"holds {catalog.Count} items but the manifest says {manifest.ItemCount}"
            );
        }

        if (catalog.Categories.Count != manifest.Schema.CategoryCount)
        {
            throw new BundleFormatException(
                ItemCatalog.FileName,
                $"holds {catalog.Categories.Count} categories but the feature schema has {manifest.Schema.CategoryCount}"
            );
        }

        var users = parts.HasFlag(BundleParts.Users)
            ? UsersFile.Read(Path.Combine(directory, UsersFile.FileName))
            : null;
        return new Bundle(directory, manifest, catalog)
        {
            Vectors = parts.HasFlag(BundleParts.Vectors)
                ? ItemVectors.Read(
                    Path.Combine(directory, ItemVectors.FileName),
                    manifest.ItemCount,
                    manifest.Towers.Output
                )
                : null,
            Similar = parts.HasFlag(BundleParts.SimilarItems) ? ReadSimilar(directory, manifest) : null,
            Tops = parts.HasFlag(BundleParts.TopLists)
                ? TopLists.Read(Path.Combine(directory, TopLists.FileName), manifest.ItemCount)
                : null,
            Index =
                parts.HasFlag(BundleParts.EmbeddingIndex) && manifest.Files.Any(f => f.Name == EmbeddingIndex.FileName)
                    ? EmbeddingIndex.Read(
                        Path.Combine(directory, EmbeddingIndex.FileName),
                        manifest.ItemCount,
                        manifest.Towers.Output
                    )
                    : null,
            Users = users,
            Interactions = users is null
                ? null
                : InteractionsFile.Read(
                    Path.Combine(directory, InteractionsFile.FileName),
                    users.Length,
                    manifest.ItemCount
                ),
        };
    }

    /// <summary>Reads and checks the manifest: parse, self-checksum, format version, required files.</summary>
    public static BundleManifest ReadManifest(string directory)
    {
        var path = Path.Combine(directory, BundleManifest.FileName);
        if (!System.IO.Directory.Exists(directory))
        {
            throw new BundleFormatException(
                directory,
                "the bundle directory does not exist; build one with 'recs train'"
            );
        }

        if (!File.Exists(path))
        {
            throw new BundleFormatException(
                BundleManifest.FileName,
                $"missing from '{directory}': this is not a bundle; build one with 'recs train'"
            );
        }

        string text;
        BundleManifest? manifest;
        try
        {
            text = File.ReadAllText(path, new UTF8Encoding(false, throwOnInvalidBytes: true));
            manifest = JsonSerializer.Deserialize<BundleManifest>(text, BundleJson.Options);
        }
        catch (Exception e)
            when (e is JsonException or DecoderFallbackException or NotSupportedException or ArgumentException)
        {
            throw new BundleFormatException(BundleManifest.FileName, $"not a valid manifest: {e.Message}");
        }

        if (manifest is null)
        {
            throw new BundleFormatException(BundleManifest.FileName, "empty manifest");
        }

        if (manifest.FormatVersion != BundleManifest.CurrentFormatVersion)
        {
            throw new BundleFormatException(
                BundleManifest.FileName,
                $"bundle format version {manifest.FormatVersion} is not supported (this build reads "
                    + $"version {BundleManifest.CurrentFormatVersion}); rebuild the bundle with 'recs train'"
            );
        }

        if (!BundleChecksums.ManifestIsIntact(text, manifest.ManifestSha256))
        {
            throw new BundleFormatException(
                BundleManifest.FileName,
                "checksum mismatch: the manifest was modified or corrupted"
            );
        }

        var missing = RequiredFiles.Except(manifest.Files.Select(f => f.Name)).ToList();
        if (missing.Count > 0)
        {
            throw new BundleFormatException(
                BundleManifest.FileName,
                $"does not list the required file(s) {string.Join(", ", missing)}"
            );
        }

        return manifest;
    }

    /// <summary>
    /// The files of the manifest that loading <paramref name="parts"/> reads: the catalog always, each part's tables, a
    /// tower's external data with its tower, and any file the manifest lists that belongs to no part.
    /// </summary>
    public static IReadOnlyList<BundleFile> FilesOf(BundleManifest manifest, BundleParts parts)
    {
        BundleParts? PartOf(string name) =>
            name switch
            {
                ItemCatalog.FileName => BundleParts.Catalog,
                ItemVectors.FileName => BundleParts.Vectors,
                SimilarItems.FileName => BundleParts.SimilarItems,
                TopLists.FileName => BundleParts.TopLists,
                UsersFile.FileName or InteractionsFile.FileName => BundleParts.Users,
                EmbeddingIndex.FileName => BundleParts.EmbeddingIndex,
                _ when name.StartsWith(UserTowerFile, StringComparison.Ordinal) => BundleParts.UserTower,
                _ when name.StartsWith(ItemTowerFile, StringComparison.Ordinal) => BundleParts.ItemTower,
                _ => null,
            };

        return manifest
            .Files.Where(f => PartOf(f.Name) is not { } part || part == BundleParts.Catalog || parts.HasFlag(part))
            .ToList();
    }

    /// <summary>
    /// Checks the size and SHA-256 of every file the manifest lists; Problem is null for a good file.
    /// </summary>
    public static IEnumerable<(string Name, string? Problem)> VerifyFiles(string directory, BundleManifest manifest) =>
        VerifyFiles(directory, manifest, manifest.Files);

    /// <summary>
    /// The same for <paramref name="files"/> (of the manifest), hashed in parallel, in the given order.
    /// </summary>
    public static IReadOnlyList<(string Name, string? Problem)> VerifyFiles(
        string directory,
        BundleManifest manifest,
        IReadOnlyList<BundleFile> files
    )
    {
        var results = new (string Name, string? Problem)[files.Count];
        Parallel.For(
            0,
            files.Count,
            new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount },
            i => results[i] = Verify(directory, files[i])
        );
        return results;
    }

    /// <summary>
    /// A name the manifest may list: a file directly in the bundle directory (no separator, not hidden, not the
    /// manifest itself).
    /// </summary>
    public static bool IsBundleFileName(string name) =>
        name.Length > 0
        && !name.Contains('/', StringComparison.Ordinal)
        && !name.Contains('\\', StringComparison.Ordinal)
        && !name.StartsWith('.')
        && name != BundleManifest.FileName;

    private static (string Name, string? Problem) Verify(string directory, BundleFile file)
    {
        if (!IsBundleFileName(file.Name))
        {
            return (file.Name, "the manifest lists a file outside the bundle directory");
        }

        var path = Path.Combine(directory, file.Name);
        if (!File.Exists(path))
        {
            return (file.Name, "missing from the bundle");
        }

        var length = new FileInfo(path).Length;
        if (length != file.Bytes)
        {
            return (file.Name, $"is {length} bytes but the manifest says {file.Bytes} (truncated or replaced)");
        }

        return (
            file.Name,
            BundleChecksums.OfFile(path) == file.Sha256 ? null : "checksum mismatch: the file was modified or corrupted"
        );
    }

    private static SimilarItems ReadSimilar(string directory, BundleManifest manifest)
    {
        var similar = SimilarItems.Read(Path.Combine(directory, SimilarItems.FileName), manifest.ItemCount);
        return similar.K == manifest.SimilarItemsK
            ? similar
            : throw new BundleFormatException(
                SimilarItems.FileName,
                $"K = {similar.K} but the manifest says {manifest.SimilarItemsK}"
            );
    }
}
