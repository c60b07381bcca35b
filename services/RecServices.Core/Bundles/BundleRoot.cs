using System.Globalization;
using System.Text;

namespace RecServices.Core.Bundles;

/// <summary>
/// A bundle root: immutable versions and one pointer to the one served.
/// <code>
/// &lt;root&gt;/versions/&lt;version&gt;/…   one complete bundle per version, never changed once written
/// &lt;root&gt;/current                  one line: the version served (written to a temporary file, then renamed over)
/// &lt;root&gt;/promotions.log           one line per promotion: UTC time, a tab, the version (what rollback reads)
/// &lt;root&gt;/.lock, .lock.holder       held by the one command changing the root, and who that is (<see cref="Lock"/>)
/// </code>
/// A directory that holds a bundle itself (manifest.json at its top: the layout before versions) still serves as
/// its one version; <see cref="MigrateFlat"/> moves it under versions/ when a new version is added.
/// </summary>
public sealed class BundleRoot
{
    public const string CurrentFile = "current";
    public const string VersionsFolder = "versions";
    public const string PromotionsFile = "promotions.log";
    public const string LockFile = ".lock";

    /// <summary>Training builds a version in versions/.incoming-*; one this old is a dead run's and is removed.</summary>
    public static readonly TimeSpan StaleIncoming = TimeSpan.FromHours(24);

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

    /// <summary>
    /// The versions promoted, oldest first, as promotions.log records them; a line that does not read (torn by a
    /// crash mid-write, edited by hand) is skipped and its number added to <see cref="SkippedPromotionLines"/>.
    /// </summary>
    public IReadOnlyList<(DateTimeOffset At, string Version)> Promotions()
    {
        SkippedPromotionLines = [];
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
                if (line.Length > 0)
                {
                    SkippedPromotionLines = [.. SkippedPromotionLines, number];
                }

                continue;
            }

            promotions.Add((at, fields[1]));
        }

        return promotions;
    }

    /// <summary>The lines of promotions.log the last <see cref="Promotions"/> skipped (1-based).</summary>
    public IReadOnlyList<int> SkippedPromotionLines { get; private set; } = [];

    /// <summary>
    /// Takes the root's lock (an exclusive lock on <c>.lock</c>, released when disposed or when the process dies):
    /// train, promote, rollback and prune change the root under it, one command at a time. Waits up to
    /// <paramref name="wait"/> for another command to finish, then throws <see cref="IOException"/> naming it.
    /// </summary>
    public IDisposable Lock(TimeSpan wait)
    {
        Directory.CreateDirectory(Path);
        var file = System.IO.Path.Combine(Path, LockFile);
        var holder = file + ".holder"; // who holds it, for the message of a command kept waiting
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            try
            {
                var stream = new FileStream(file, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                File.WriteAllText(
                    holder,
                    $"pid {Environment.ProcessId} on {Environment.MachineName} since "
                        + DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture)
                );
                return stream;
            }
            catch (IOException) when (clock.Elapsed < wait)
            {
                Thread.Sleep(100);
            }
            catch (IOException e)
            {
                string who;
                try
                {
                    who = File.ReadAllText(holder).Trim();
                }
                catch (IOException)
                {
                    who = "unknown";
                }

                throw new IOException(
                    $"another recs command is changing {Path} (its lock {file} is held: {who}); waited "
                        + $"{wait.TotalSeconds:F0} s: run again when it has finished",
                    e
                );
            }
        }
    }

    /// <summary>
    /// Removes the folders of training runs that died before adding their version (versions/.incoming-* last
    /// written more than <see cref="StaleIncoming"/> ago); returns their names. Call it under <see cref="Lock"/>.
    /// </summary>
    public IReadOnlyList<string> RemoveStaleIncoming(DateTimeOffset now)
    {
        if (!Directory.Exists(VersionsPath))
        {
            return [];
        }

        var removed = new List<string>();
        foreach (var directory in Directory.EnumerateDirectories(VersionsPath, ".incoming-*"))
        {
            var written = Directory
                .EnumerateFileSystemEntries(directory, "*", SearchOption.AllDirectories)
                .Select(File.GetLastWriteTimeUtc)
                .Append(Directory.GetLastWriteTimeUtc(directory))
                .Max();
            if (now - new DateTimeOffset(written, TimeSpan.Zero) > StaleIncoming)
            {
                Directory.Delete(directory, recursive: true);
                removed.Add(System.IO.Path.GetFileName(directory));
            }
        }

        return removed;
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
        var log = System.IO.Path.Combine(Path, PromotionsFile);
        File.AppendAllText(
            log,
            (EndsMidLine(log) ? "\n" : string.Empty) // after a torn write: a line of its own
                + DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)
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
        // the names checked as loading checks them, before anything moves: none may leave the root
        var manifestPath = System.IO.Path.Combine(Path, BundleManifest.FileName);
        if (!IsVersionName(manifest.Version))
        {
            throw new BundleFormatException(
                manifestPath,
                $"names version '{manifest.Version}', which is not a version name; nothing was moved"
            );
        }

        if (manifest.Files.FirstOrDefault(f => !Bundle.IsBundleFileName(f.Name)) is { } outside)
        {
            throw new BundleFormatException(
                manifestPath,
                $"lists the file '{outside.Name}', which is not a file of the bundle directory; nothing was moved"
            );
        }

        var missing = manifest.Files.FirstOrDefault(f => !File.Exists(System.IO.Path.Combine(Path, f.Name)));
        if (missing is not null)
        {
            throw new BundleFormatException(
                System.IO.Path.Combine(Path, missing.Name),
                "is listed in manifest.json but missing; nothing was moved"
            );
        }

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

    private static bool EndsMidLine(string path)
    {
        if (!File.Exists(path))
        {
            return false;
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        if (stream.Length == 0)
        {
            return false;
        }

        stream.Seek(-1, SeekOrigin.End);
        return stream.ReadByte() != '\n';
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
