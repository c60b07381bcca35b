using System.Runtime.CompilerServices;
using Grpc.Core;
using Grpc.Net.Client;
using RecServices.Contracts.Gateway.V1;

namespace RecServices.LocalSystem;

/// <summary>
/// The one typed client of a gateway that recs-lab and the tests call: a Recommend stream read item by item as it
/// arrives (the call ended when the enumeration ends), and RecordInteraction. (<c>recs evaluate --via-grpc</c> keeps
/// its own loop: the training Job's image holds nothing of the local system.)
/// </summary>
public sealed class GatewayClient(GrpcChannel channel)
{
    private readonly GatewayService.GatewayServiceClient _client = new(channel);

    /// <summary>
    /// Recommend for <paramref name="userId"/>: the <paramref name="count"/> items as the gateway streams them, within
    /// <paramref name="timeout"/> (the call's deadline).
    /// </summary>
    public async IAsyncEnumerable<RecommendResponse> RecommendAsync(
        string userId,
        int count,
        TimeSpan timeout,
        [EnumeratorCancellation] CancellationToken cancellationToken = default
    )
    {
        using var call = _client.Recommend(
            new RecommendRequest { UserId = userId, Count = count },
            deadline: DateTime.UtcNow + timeout,
            cancellationToken: cancellationToken
        );
        await foreach (var item in call.ResponseStream.ReadAllAsync(cancellationToken))
        {
            yield return item;
        }
    }

    /// <summary>RecordInteraction within <paramref name="timeout"/>.</summary>
    public async Task<RecordInteractionResponse> RecordAsync(
        RecordInteractionRequest request,
        TimeSpan timeout,
        CancellationToken cancellationToken = default
    ) =>
        await _client.RecordInteractionAsync(
            request,
            deadline: DateTime.UtcNow + timeout,
            cancellationToken: cancellationToken
        );
}
