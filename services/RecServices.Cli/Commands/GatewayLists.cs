using Grpc.Core;
using Grpc.Net.Client;
using RecServices.Contracts.Gateway.V1;
using RecServices.Core.Bundles;
using RecServices.Core.Data;

namespace RecServices.Cli.Commands;

/// <summary>
/// Produces the evaluation's top-k lists through the running services: one gateway <c>Recommend</c> per
/// user. The services must serve the bundle trained on the split's train part (checked by its dataset
/// fingerprint), whose interactions seed the gateway's user store: then the lists equal the in-process ones.
/// </summary>
public static class GatewayLists
{
    public static async Task<Dictionary<int, int[]>> FetchAsync(string address, Dataset trainPart, Bundle bundle, IReadOnlyList<int> users, int k, CancellationToken cancellationToken)
    {
        if (bundle.Manifest.Dataset.Fingerprint != trainPart.Fingerprint())
        {
            throw new ArgumentException($"the bundle {bundle.Manifest.Version} was not trained on this split's train part (dataset fingerprints differ); " +
                "serve the bundle that 'recs evaluate' wrote into its --out directory");
        }

        using var channel = GrpcChannel.ForAddress(address);
        var client = new GatewayService.GatewayServiceClient(channel);
        var lists = new Dictionary<int, int[]>(users.Count);
        foreach (var u in users)
        {
            using var call = client.Recommend(new RecommendRequest { UserId = trainPart.Users[u].Id, Count = k }, deadline: DateTime.UtcNow.AddSeconds(30), cancellationToken: cancellationToken);
            var items = new List<int>(k);
            await foreach (var item in call.ResponseStream.ReadAllAsync(cancellationToken))
            {
                if (item.Degraded)
                {
                    throw new InvalidOperationException($"the gateway answered degraded for user {trainPart.Users[u].Id} ({item.DegradedReason}); evaluate a healthy system");
                }

                items.Add(trainPart.ItemIndex[item.ItemId]);
            }

            lists[u] = [.. items];
        }

        return lists;
    }
}
