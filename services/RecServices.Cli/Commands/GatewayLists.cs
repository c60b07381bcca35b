using System.Diagnostics;
using Grpc.Core;
using Grpc.Net.Client;
using RecServices.Contracts.Gateway.V1;
using RecServices.Core.Bundles;
using RecServices.Core.Data;

namespace RecServices.Cli.Commands;

/// <summary>
/// Produces top-k lists through the running services: one gateway <c>Recommend</c> per user, in turn,
/// each timed on the client from the call to the end of its stream.
/// </summary>
public static class GatewayLists
{
    /// <summary>
    /// The evaluation's lists by user index. The services must serve the bundle trained on the split's train
    /// part (checked by its dataset fingerprint), whose interactions seed the gateway's user store: then the
    /// lists equal the in-process ones.
    /// </summary>
    public static async Task<Dictionary<int, int[]>> FetchAsync(
        string address,
        Dataset trainPart,
        Bundle bundle,
        IReadOnlyList<int> users,
        int k,
        CancellationToken cancellationToken
    )
    {
        if (bundle.Manifest.Dataset.Fingerprint != trainPart.Fingerprint())
        {
            throw new ArgumentException(
                $"the bundle {bundle.Manifest.Version} was not trained on this split's train part "
                    + $"(dataset fingerprints differ); "
                    + "serve the bundle that 'recs evaluate' wrote into its --out directory"
            );
        }

        var answers = await FetchAsync(
            address,
            users.Select(u => trainPart.Users[u].Id).ToList(),
            k,
            cancellationToken
        );
        return users
            .Select((u, i) => (u, Items: answers.Lists[i].Select(id => trainPart.ItemIndex[id]).ToArray()))
            .ToDictionary(p => p.u, p => p.Items);
    }

    /// <summary>
    /// Every user's list (item ids) and the latency of each call in milliseconds, in the order of
    /// <paramref name="userIds"/>.
    /// </summary>
    public static async Task<(IReadOnlyList<string[]> Lists, double[] LatenciesMs)> FetchAsync(
        string address,
        IReadOnlyList<string> userIds,
        int k,
        CancellationToken cancellationToken
    )
    {
        using var channel = GrpcChannel.ForAddress(address);
        var client = new GatewayService.GatewayServiceClient(channel);
        var lists = new List<string[]>(userIds.Count);
        var latencies = new double[userIds.Count];
        for (var i = 0; i < userIds.Count; i++)
        {
            var started = Stopwatch.GetTimestamp();
            using var call = client.Recommend(
                new RecommendRequest { UserId = userIds[i], Count = k },
                deadline: DateTime.UtcNow.AddSeconds(30),
                cancellationToken: cancellationToken
            );
            var items = new List<string>(k);
            await foreach (var item in call.ResponseStream.ReadAllAsync(cancellationToken))
            {
                if (item.Degraded)
                {
                    throw new InvalidOperationException(
                        $"the gateway answered degraded for user {userIds[i]} ({item.DegradedReason}); "
                            + $"measure a healthy system"
                    );
                }

                items.Add(item.ItemId);
            }

            latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            lists.Add([.. items]);
        }

        return (lists, latencies);
    }
}
