using System.Diagnostics;
using System.Text.Json.Serialization;
using Grpc.Core;
using Grpc.Net.Client;
using RecServices.Cli.Hosting;
using RecServices.Cli.Load;
using RecServices.Contracts.Gateway.V1;
using RecServices.Core.Bundles;

namespace RecServices.Cli.Drill;

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
        using var channel = GrpcChannel.ForAddress(services.GatewayAddress);
        var client = new GatewayService.GatewayServiceClient(channel);
        long calls = 0,
            failed = 0,
            degraded = 0;
        var versions = new System.Collections.Concurrent.ConcurrentDictionary<string, long>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);

        async Task CallAsync(int caller)
        {
            for (var n = 0; !stop.IsCancellationRequested; n++)
            {
                try
                {
                    using var call = client.Recommend(
                        new RecommendRequest { UserId = users[ClosedLoop.Spread(caller, n, users.Count)], Count = 10 },
                        deadline: DateTime.UtcNow.AddSeconds(5),
                        cancellationToken: CancellationToken.None
                    );
                    var isDegraded = false;
                    await foreach (var item in call.ResponseStream.ReadAllAsync(CancellationToken.None))
                    {
                        isDegraded |= item.Degraded;
                        versions.AddOrUpdate(item.BundleVersion, 1, (_, c) => c + 1);
                    }

                    Interlocked.Increment(ref calls);
                    if (isDegraded)
                    {
                        Interlocked.Increment(ref degraded);
                    }
                }
                catch (RpcException)
                {
                    Interlocked.Increment(ref failed);
                    await Task.Delay(20, CancellationToken.None);
                }
            }
        }

        var tasks = Enumerable
            .Range(0, callers)
            .Select(c => Task.Run(() => CallAsync(c), CancellationToken.None))
            .ToArray();
        await Task.Delay(before, cancellationToken);
        var served = root.CurrentVersion()!;
        var corrupted = Corrupt(root, served);
        var refusedBefore = await RefusalsAsync(cancellationToken);
        root.SetCurrent(corrupted); // no validation: as if the files went bad after it
        var clock = Stopwatch.StartNew();
        output.WriteLine(
            $"{Interlocked.Read(ref calls)} answers; made {corrupted} (catalog.bin with one byte flipped) current"
        );
        var refused = refusedBefore;
        while (refused.Zip(refusedBefore).Any(r => r.First <= r.Second) && clock.Elapsed < TimeSpan.FromMinutes(2))
        {
            await Task.Delay(100, cancellationToken);
            refused = await RefusalsAsync(cancellationToken);
        }

        var allRefused = clock.Elapsed.TotalSeconds;
        output.WriteLine(
            $"refused by {refused.Zip(refusedBefore).Count(r => r.First > r.Second)} of 3 services after {allRefused:F1} s; calling {after.TotalSeconds} s more"
        );
        await Task.Delay(after, cancellationToken);
        await stop.CancelAsync();
        await Task.WhenAll(tasks);
        return new CorruptBundleReport(
            callers,
            served,
            corrupted,
            calls,
            failed,
            degraded,
            versions.GetValueOrDefault(served),
            versions.Where(v => v.Key != served).Sum(v => v.Value),
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
