using System.Globalization;
using Grpc.Core;
using RecServices.Contracts.Gateway.V1;
using RecServices.Gateway.Services;
using RecServices.Users;

namespace RecServices.FunctionalTests;

/// <summary>
/// The per-caller write rate limit on the real gateway: a caller looping RecordInteraction is refused
/// RESOURCE_EXHAUSTED with the wait (message and gRPC's pushback trailer), before anything reaches the store.
/// </summary>
public sealed class WriteLimitTests
{
    [Fact]
    public async Task CallerLoopingWrites_PastTheLimit_ResourceExhaustedWithTheWait_AndNothingRecorded()
    {
        await using var system = await ServiceSystem.StartAsync(
            TestBundle.Path,
            ["--Recs:WritesPerSecondPerCaller=1", "--Recs:WriteBurstPerCaller=3"]
        );
        var client = system.GatewayClient;
        RpcException? refused = null;
        string? refusedEvent = null;
        var accepted = 0;
        // 3 at once, then 1 a second: a loop of 50 is refused unless each write took a second (never, even on a
        // busy machine: they take milliseconds)
        for (var n = 0; n < 50 && refused is null; n++)
        {
            var eventId = "flood-" + n.ToString(CultureInfo.InvariantCulture);
            try
            {
                await client
                    .RecordInteractionAsync(
                        new RecordInteractionRequest
                        {
                            UserId = "u3",
                            ItemId = "i10",
                            Kind = InteractionKind.Watched,
                            EventId = eventId,
                        },
                        deadline: DateTime.UtcNow.AddSeconds(30)
                    )
                    .ResponseAsync.WithTimeout();
                accepted++;
            }
            catch (RpcException e)
            {
                (refused, refusedEvent) = (e, eventId);
            }
        }

        Assert.NotNull(refused);
        Assert.Equal(StatusCode.ResourceExhausted, refused.StatusCode);
        Assert.Contains("retry after", refused.Status.Detail, StringComparison.Ordinal);
        var pushback = refused.Trailers.GetValue(WriteRateLimit.PushbackTrailer);
        Assert.NotNull(pushback);
        Assert.InRange(int.Parse(pushback, CultureInfo.InvariantCulture), 1, 1000);
        Assert.InRange(accepted, 3, 49);
        var recorded = new List<string>();
        await using (var log = new SqliteUserStore(system.SqliteStorePath, readOnly: true))
        {
            await foreach (var interaction in log.ReadAllAsync(CancellationToken.None))
            {
                recorded.Add(interaction.EventId);
            }
        }

        Assert.Equal(accepted, recorded.Count(e => e.StartsWith("flood-", StringComparison.Ordinal)));
        Assert.DoesNotContain(refusedEvent, recorded);
    }
}
