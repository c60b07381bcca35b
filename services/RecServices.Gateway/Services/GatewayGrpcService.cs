using System.Globalization;
using Grpc.Core;
using Microsoft.Extensions.Options;
using RecServices.Contracts.Gateway.V1;
using RecServices.Gateway.Auth;
using RecServices.ServiceDefaults;
using RecServices.Users;

namespace RecServices.Gateway.Services;

/// <summary>The public GatewayService RPCs: validate, call the pipeline or the store, map to the contract.</summary>
public sealed class GatewayGrpcService(
    RecommendationPipeline pipeline,
    UserStoreHealth storeHealth,
    Admission admission,
    CallerAccess callers,
    IOptions<GatewayOptions> options,
    TimeProvider timeProvider
) : GatewayService.GatewayServiceBase
{
    /// <summary>
    /// How far past the server's clock an occurred_at may be (clients' clocks drift; the future would pin an item
    /// as the most recent).
    /// </summary>
    public static readonly TimeSpan MaxClockSkew = TimeSpan.FromMinutes(5);

    public override async Task Recommend(
        RecommendRequest request,
        IServerStreamWriter<RecommendResponse> responseStream,
        ServerCallContext context
    )
    {
        var o = options.Value;
        RequestChecks.Id(request.UserId, "user_id");
        callers.EnsureMayActFor(context, request.UserId);
        RequestChecks.Count(request.Count, o.MaxCount, "count", $"0 means the default ({o.DefaultCount})");
        using var slot = admission.Enter();
        var count = request.Count == 0 ? o.DefaultCount : request.Count;

        // The ranker sends the whole top-k at once, so the items are written without a flush each and go out
        // together when the list ends (one burst of HTTP/2 frames instead of one write per item).
        responseStream.WriteOptions = new WriteOptions(WriteFlags.BufferHint);
        await foreach (
            var item in pipeline.RecommendAsync(request.UserId, count, context.Deadline, context.CancellationToken)
        )
        {
            var response = new RecommendResponse
            {
                ItemId = item.ItemId,
                Title = item.Title,
                Score = item.Score,
                Rank = item.Rank,
                Degraded = item.Degraded,
                DegradedReason = item.DegradedReason,
                BundleVersion = item.BundleVersion,
            };
            response.Sources.AddRange(
                item.Sources.Select(s => new RecommendationSource
                {
                    Kind = s.KindName,
                    Key = s.Key,
                    Score = s.Score,
                })
            );
            await responseStream.WriteAsync(response, context.CancellationToken);
        }
    }

    public override async Task<RecordInteractionResponse> RecordInteraction(
        RecordInteractionRequest request,
        ServerCallContext context
    )
    {
        RequestChecks.Id(request.UserId, "user_id");
        callers.EnsureMayActFor(context, request.UserId);
        RequestChecks.Id(request.ItemId, "item_id");
        var kind = request.Kind switch
        {
            Contracts.Gateway.V1.InteractionKind.Watched => Core.Data.InteractionKind.Watched,
            Contracts.Gateway.V1.InteractionKind.Purchased => Core.Data.InteractionKind.Purchased,
            Contracts.Gateway.V1.InteractionKind.Rated => Core.Data.InteractionKind.Rated,
            _ => throw RequestChecks.Invalid(
                "kind must be INTERACTION_KIND_WATCHED, INTERACTION_KIND_PURCHASED or INTERACTION_KIND_RATED"
            ),
        };
        float? rating = null;
        if (kind == Core.Data.InteractionKind.Rated)
        {
            if (!float.IsFinite(request.Rating) || request.Rating is < 0.5f or > 5f)
            {
                throw RequestChecks.Invalid("rating must be set between 0.5 and 5 for INTERACTION_KIND_RATED");
            }

            rating = request.Rating;
        }

        var now = timeProvider.GetUtcNow();
        var occurred = now;
        if (request.OccurredAt is not null)
        {
            if (request.OccurredAt.Seconds is < 0 or > 253402300799 || request.OccurredAt.Nanos is < 0 or > 999_999_999)
            {
                throw RequestChecks.Invalid("occurred_at must be a valid timestamp after 1970-01-01T00:00:00Z");
            }

            occurred = request.OccurredAt.ToDateTimeOffset();
            if (occurred > now + MaxClockSkew)
            {
                throw RequestChecks.Invalid(
                    string.Create(
                        CultureInfo.InvariantCulture,
                        $"occurred_at {occurred:O} is more than {MaxClockSkew.TotalMinutes:F0} minutes after the server's clock ({now:O}); send when it happened, in UTC, or leave it unset for the server's clock"
                    )
                );
            }
        }

        var eventId = request.EventId;
        if (eventId.Length == 0)
        {
            eventId = Guid.CreateVersion7().ToString("N"); // a new event: a retry of this call may record it again
        }
        else
        {
            RequestChecks.Id(eventId, "event_id");
        }

        var state = pipeline.State;
        if (!state.Bundle.Catalog.Index.ContainsKey(request.ItemId))
        {
            throw new RpcException(
                new Status(
                    StatusCode.NotFound,
                    $"item_id '{request.ItemId}' is not in the catalog (bundle {state.Bundle.Manifest.Version})"
                )
            );
        }

        var interaction = new NewInteraction(request.UserId, request.ItemId, kind, rating, occurred, eventId);
        using var slot = admission.Enter(); // before the write: a shed call wrote nothing
        RecordResult result;
        try
        {
            // Not the caller's token: once started, a write runs to its end, so that its answer is the store's.
            result = await storeHealth.CallAsync(
                () => state.Store.AppendAsync(interaction, CancellationToken.None),
                "the interaction may or may not be recorded: retry with the same event_id"
            );
        }
        catch (EventIdConflictException e)
        {
            throw new RpcException(
                new Status(StatusCode.AlreadyExists, $"{e.Message}; use a new event_id for a new interaction")
            );
        }

        return new RecordInteractionResponse { HistoryCount = result.HistoryCount, EventId = eventId };
    }
}
