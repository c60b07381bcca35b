using System.Diagnostics;
using System.Text.Json.Serialization;
using RecServices.Core.Bundles;
using RecServices.LocalSystem;

namespace RecServices.Lab.Drill;

/// <summary>
/// A corrupted bundle promoted while serving: callers ask for recommendations without pause; midway a copy of the
/// served version with one byte of its catalog flipped (a bad disk, a half-finished copy) is made current without
/// validation. Every service should refuse it (its checksums) and keep serving the version before: no failed call,
/// no answer from the corrupted version. Runs on a bundle root of its own (a copy), never on the one it was given.
/// </summary>
public sealed class CorruptBundleDrill(LocalServices services, BundleRoot root, IReadOnlyList<string> users)
{
    public async Task<CorruptBundleReport> RunAsync(
        int callers,
        TimeSpan before,
        TimeSpan after,
        TextWriter output,
        CancellationToken cancellationToken
    )
    {
        await using var calling = new RecommendCallers(services.GatewayAddress, users, callers);
        await Task.Delay(before, cancellationToken);
        var served = root.CurrentVersion()!;
        var corrupted = Corrupt(root, served);
        var refusedBefore = await RefusalsAsync(cancellationToken);
        root.SetCurrent(corrupted); // no validation: as if the files went bad after it
        var clock = Stopwatch.StartNew();
        output.WriteLine($"{calling.Calls} answers; made {corrupted} (catalog.bin with one byte flipped) current");
        var refused = refusedBefore;
        while (refused.Zip(refusedBefore).Any(r => r.First <= r.Second) && clock.Elapsed < TimeSpan.FromMinutes(2))
        {
            await Task.Delay(100, cancellationToken);
            refused = await RefusalsAsync(cancellationToken);
        }

        var allRefused = clock.Elapsed.TotalSeconds;
        output.WriteLine(
            $"refused by {refused.Zip(refusedBefore).Count(r => r.First > r.Second)} of 3 services after "
                + $"{allRefused:F1} s; calling {after.TotalSeconds} s more"
        );
        await Task.Delay(after, cancellationToken);
        await calling.StopAsync();
        return new CorruptBundleReport(
            callers,
            served,
            corrupted,
            calling.Calls,
            calling.Failed,
            calling.Degraded,
            calling.Versions.GetValueOrDefault(served),
            calling.Versions.Where(v => v.Key != served).Sum(v => v.Value),
            [.. refused.Zip(refusedBefore).Select(r => r.First > r.Second)],
            Math.Round(allRefused, 2)
        );
    }

    /// <summary>
    /// A copy of <paramref name="version"/> with one byte of its catalog flipped, added as a new version; its name.
    /// </summary>
    private static string Corrupt(BundleRoot root, string version)
    {
        var copy = Path.Combine(root.Path, "corrupting-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(copy);
        foreach (var file in Directory.GetFiles(root.VersionPath(version)))
        {
            File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        }

        using (var catalog = new FileStream(Path.Combine(copy, "catalog.bin"), FileMode.Open, FileAccess.ReadWrite))
        {
            catalog.Position = catalog.Length / 2;
            var b = catalog.ReadByte();
            catalog.Position = catalog.Length / 2;
            catalog.WriteByte((byte)(b ^ 0x5A));
        }

        return root.AddVersion(copy, version);
    }

    /// <summary>recs.bundle.reloads refused so far, per process (retrieval, ranking, gateway).</summary>
    private async Task<double[]> RefusalsAsync(CancellationToken cancellationToken)
    {
        var counts = new double[3];
        for (var i = 0; i < 3; i++)
        {
            counts[i] = (await MetricsPage.ReadAsync(services.MetricsAddress(i), cancellationToken)).Sum(
                "recs_bundle_reloads_total",
                "recs_outcome",
                "refused"
            );
        }

        return counts;
    }
}

/// <summary>What promoting a corrupted version while serving did.</summary>
public sealed record CorruptBundleReport(
    [property: JsonPropertyName("callers")] int Callers,
    [property: JsonPropertyName("served")] string Served,
    [property: JsonPropertyName("corrupted")] string Corrupted,
    [property: JsonPropertyName("calls")] long Calls,
    [property: JsonPropertyName("failed")] long Failed,
    [property: JsonPropertyName("degraded")] long Degraded,
    [property: JsonPropertyName("items_from_served")] long ItemsFromServed,
    [property: JsonPropertyName("items_from_other_versions")] long ItemsFromOtherVersions,
    [property: JsonPropertyName("refused_by")] IReadOnlyList<bool> RefusedBy,
    [property: JsonPropertyName("seconds_to_all_refused")] double SecondsToAllRefused
);
