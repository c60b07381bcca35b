using Grpc.Core;
using RecServices.Contracts.Gateway.V1;

namespace RecServices.Lab.Drill;

/// <summary>The drills' write: one RecordInteraction (a watch with its own event id, a 5 s deadline).</summary>
internal static class DrillWrites
{
    /// <summary>The call's status (OK when answered), and the error when it failed.</summary>
    public static async Task<(StatusCode Status, RpcException? Error)> WatchAsync(
        GatewayService.GatewayServiceClient client,
        string userId,
        string itemId,
        string eventId
    )
    {
        try
        {
            await client.RecordInteractionAsync(
                new RecordInteractionRequest
                {
                    UserId = userId,
                    ItemId = itemId,
                    Kind = InteractionKind.Watched,
                    EventId = eventId,
                },
                deadline: DateTime.UtcNow.AddSeconds(5),
                cancellationToken: CancellationToken.None
            );
            return (StatusCode.OK, null);
        }
        catch (RpcException e)
        {
            return (e.StatusCode, e);
        }
    }
}
