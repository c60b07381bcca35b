using System.Globalization;
using System.Text;

namespace RecServices.Core.Bundles;

/// <summary>
/// A bundle root: immutable versions and one pointer to the one served.
/// <code>
/// &lt;root&gt;/versions/&lt;version&gt;/…   one complete bundle per version, never changed once written
/// &lt;root&gt;/current                  one line: the version served (written to a temporary file, then renamed over)
/// &lt;root&gt;/promotions.log           one line per promotion: UTC time, a tab, the version (what rollback reads)
/// </code>
/// A directory that holds a bundle itself (manifest.json at its top: the layout before versions) still serves as
/// its one version; <see cref="MigrateFlat"/> moves it under versions/ when a new version is added.
/// </summary>
public sealed class BundleRoot
{
    public const string CurrentFile = "current";
    public const string VersionsFolder = "versions";
    public const string PromotionsFile = "promotions.log";

    public BundleRoot(string path)
    {
        Path = System.IO.Path.GetFullPath(path);
    }

    public string Path { get; }

    public string VersionsPath => System.IO.Path.Combine(Path, VersionsFolder);

    /// <summary>True when the root holds a bundle in the flat layout (manifest.json at its top, no versions).</summary>
    public bool IsFlat => File.Exists(System.IO.Path.Combine(Path, BundleManifest.FileName));

    /// <summary>True when there is something to serve: a current version, or a flat bundle.</summary>
    public bool HasBundle => CurrentVersion() is not null || IsFlat;

    public string VersionPath(string version) => System.IO.Path.Combine(VersionsPath, version);

    /// <summary>The version <c>current</c> names, or null when there is no pointer (yet).</summary>
    public string? CurrentVersion()
    {
        var pointer = System.IO.Path.Combine(Path, CurrentFile);
        if (!File.Exists(pointer))
        {
            return null;
        }

        var version = File.ReadAllText(pointer, Encoding.UTF8).Trim();
        return IsVersionName(version)
            ? version
            : throw new BundleFormatException(
                pointer,
                $"holds '{version}', which is not a version name; write the name of a directory under "
                    + $"{VersionsFolder}/ (recs bundles promote does)"
            );
    }

    /// <summary>
    /// The bundle directory to serve: the current version's, else a flat bundle's own. Throws
    /// <see cref="BundleFormatException"/> naming what is missing.
    /// </summary>
    public string ServedDirectory()
    {
        if (CurrentVersion() is { } version)
        {
            var directory = VersionPath(version);
            return Directory.Exists(directory)
                ? directory
                : throw new BundleFormatException(
                    System.IO.Path.Combine(Path, CurrentFile),
                    $"names version '{version}', but {directory} does not exist"
                );
        }

        return IsFlat
            ? Path
            : throw new BundleFormatException(
                Path,
                "holds no bundle (no 'current' pointer and no manifest.json); build one with 'recs train --out "
                    + Path
                    + "'"
            );
    }

    /// <summary>
    /// Every version under versions/, oldest first by their manifests' creation time (an unreadable one counts as
    /// oldest).
    /// </summary>
    public IReadOnlyList<string> Versions() =>
        Directory.Exists(VersionsPath)
            ? Directory
                .EnumerateDirectories(VersionsPath)
                .Select(d => System.IO.Path.GetFileName(d)!)
                .Where(IsVersionName)
                .OrderBy(CreatedAt)
                .ThenBy(v => v, StringComparer.Ordinal)
                .ToList()
            : [];

    /// <summary>The versions promoted, oldest first, as promotions.log records them.</summary>
    public IReadOnlyList<(DateTimeOffset At, string Version)> Promotions()
    {
        var log = System.IO.Path.Combine(Path, PromotionsFile);
        if (!File.Exists(log))
        {
            return [];
        }

        var promotions = new List<(DateTimeOffset, string)>();
        var number = 0;
        foreach (var line in File.ReadLines(log, Encoding.UTF8))
        {
            number++;
            var fields = line.Split('\t');
            if (
                fields.Length != 2
                || !DateTimeOffset.TryParse(
                    fields[0],
                    CultureInfo.InvariantCulture,
                    DateTimeStyles.AssumeUniversal,
                    out var at
                )
                || !IsVersionName(fields[1])
            )
            {
                throw new BundleFormatException($"{log}:{number}", "expected '<UTC time>\\t<version>'");
            }

            promotions.Add((at, fields[1]));
        }

        return promotions;
    }

    /// <summary>The version served before the current one (what rollback returns to), if it still exists.</summary>
    public string? PreviousVersion()
    {
        var current = CurrentVersion();
        var existing = Versions().ToHashSet(StringComparer.Ordinal);
        return Promotions()
            .Select(p => p.Version)
            .Reverse()
            .SkipWhile(v => v == current)
            .FirstOrDefault(v => v != current && existing.Contains(v));
    }

    /// <summary>
    /// Points <c>current</c> at <paramref name="version"/> (which the caller has validated) and records the
    /// promotion.
    /// </summary>
    public void SetCurrent(string version)
    {
        if (!IsVersionName(version) || !Directory.Exists(VersionPath(version)))
        {
            throw new ArgumentException(
                $"no version '{version}' under {VersionsPath}; 'recs bundles list {Path}' shows the versions"
            );
        }

        var pointer = System.IO.Path.Combine(Path, CurrentFile);
        var temporary = pointer + ".tmp-" + Guid.NewGuid().ToString("N")[..8];
        using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write))
        {
            stream.Write(Encoding.UTF8.GetBytes(version + "\n"));
            stream.Flush(flushToDisk: true);
        }

        // rename(2): a reader sees the old pointer or the new one, never half of one
        File.Move(temporary, pointer, overwrite: true);
        File.AppendAllText(
            System.IO.Path.Combine(Path, PromotionsFile),
            DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)
                + "\t"
                + version
                + "\n",
            Encoding.UTF8
        );
    }

    /// <summary>
    /// Moves a complete bundle directory (written and verified elsewhere on the same file system) in as a version;
    /// returns its name.
    /// </summary>
    public string AddVersion(string bundleDirectory, string version)
    {
        Directory.CreateDirectory(VersionsPath);
        var name = version;
        for (var n = 2; Directory.Exists(VersionPath(name)); n++)
        {
            name = version + "-" + n.ToString(CultureInfo.InvariantCulture);
        }

        Directory.Move(bundleDirectory, VersionPath(name));
        return name;
    }

    /// <summary>
    /// A flat bundle at the root becomes version &lt;its manifest's version&gt; under versions/ and current; returns
    /// that version, or null when the root was not flat.
    /// </summary>
    public string? MigrateFlat()
    {
        if (!IsFlat)
        {
            return null;
        }

        var manifest = Bundle.ReadManifest(Path);
        var staging = System.IO.Path.Combine(Path, ".migrating-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(staging);
        foreach (var file in manifest.Files.Select(f => f.Name).Append(BundleManifest.FileName))
        {
            File.Move(System.IO.Path.Combine(Path, file), System.IO.Path.Combine(staging, file));
        }

        var version = AddVersion(staging, manifest.Version);
        SetCurrent(version);
        return version;
    }

    /// <summary>
    /// Deletes the oldest versions beyond the newest <paramref name="keep"/>, never the current or the previous
    /// one; returns those deleted.
    /// </summary>
    public IReadOnlyList<string> Prune(int keep)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(keep, 1);
        var protectedVersions = new[] { CurrentVersion(), PreviousVersion() }
            .OfType<string>()
            .ToHashSet(StringComparer.Ordinal);
        var versions = Versions();
        var deleted = versions
            .Take(Math.Max(0, versions.Count - keep))
            .Where(v => !protectedVersions.Contains(v))
            .ToList();
        foreach (var version in deleted)
        {
            Directory.Delete(VersionPath(version), recursive: true);
        }

        return deleted;
    }

    private DateTimeOffset CreatedAt(string version)
    {
        try
        {
            return Bundle.ReadManifest(VersionPath(version)).CreatedAt;
        }
        catch (BundleFormatException)
        {
            return DateTimeOffset.MinValue;
        }
    }

    /// <summary>A version directory's name: letters, digits, '-', '_', '.' (no separators, not hidden).</summary>
    public static bool IsVersionName(string name) =>
        name.Length is > 0 and <= 128
        && !name.StartsWith('.')
        && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');
}
