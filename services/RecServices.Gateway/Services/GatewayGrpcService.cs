using Grpc.Core;
using Microsoft.Extensions.Options;
using RecServices.Contracts.Gateway.V1;
using RecServices.Gateway.Auth;
using RecServices.GrpcHardening;
using RecServices.Users;

namespace RecServices.Gateway.Services;

/// <summary>The public GatewayService RPCs: validate, call the pipeline or the store, map to the contract.</summary>
public sealed class GatewayGrpcService(
    RecommendationPipeline pipeline,
    UserStoreHealth storeHealth,
    Admission admission,
    WriteRateLimit writeLimit,
    CallerAccess callers,
    IOptions<GatewayOptions> options,
    TimeProvider timeProvider
) : GatewayService.GatewayServiceBase
{
    /// <summary>The most ids <c>exclude_item_ids</c> may hold.</summary>
    public const int MaxExcluded = 1_000;

    public override async Task Recommend(
        RecommendRequest request,
        IServerStreamWriter<RecommendResponse> responseStream,
        ServerCallContext context
    )
    {
        var o = options.Value;
        RequestChecks.Id(request.UserId, "user_id");
        callers.EnsureMayActFor(context, request.UserId, write: false);
        RequestChecks.Count(request.Count, o.MaxCount, "count", $"0 means the default ({o.DefaultCount})");
        if (request.ExcludeItemIds.Count > MaxExcluded)
        {
            throw RequestChecks.Invalid(
                "exclude_item_ids",
                $"exclude_item_ids may hold at most {MaxExcluded} ids; got {request.ExcludeItemIds.Count}"
            );
        }

        RequestChecks.Ids(request.ExcludeItemIds, "exclude_item_ids");
        using var slot = admission.Enter();
        var count = request.Count == 0 ? o.DefaultCount : request.Count;

        // The ranker sends the whole top-k at once, so the items are written without a flush each and go out
        // together when the list ends (one burst of HTTP/2 frames instead of one write per item).
        responseStream.WriteOptions = new WriteOptions(WriteFlags.BufferHint);
        await foreach (
            var item in pipeline.RecommendAsync(
                request.UserId,
                count,
                request.ExcludeItemIds,
                context.Deadline,
                context.CancellationToken
            )
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
                    SourceKind = s.Kind,
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
        callers.EnsureMayActFor(context, request.UserId, write: true);
        var interaction = InteractionRequest.Checked(request, timeProvider.GetUtcNow());
        var state = pipeline.State;
        if (!pipeline.KnowsItem(state, request.ItemId))
        {
            throw new RpcException(
                new Status(
                    StatusCode.NotFound,
                    $"item_id '{request.ItemId}' is not in the catalog (bundle {state.Bundle.Manifest.Version}) "
                        + "and was not added with CatalogService.UpsertItems"
                )
            );
        }

        writeLimit.Check(context);
        using var slot = admission.Enter(); // before the write: a shed call wrote nothing
        RecordResult result;
        try
        {
            // Not the caller's token: once started, a write runs to its end, so that its answer is the store's (a
            // write past the budget is answered UNAVAILABLE and may still land: the retry's event id makes it once).
            result = await storeHealth.CallAsync(
                _ => state.Store.AppendAsync(interaction, CancellationToken.None),
                context.Deadline,
                context.CancellationToken
            );
        }
        catch (UserStoreUnavailableException e)
        {
            throw UserStoreHealth.Unavailable(
                e,
                "the interaction may or may not be recorded: retry with the same event_id"
            );
        }
        catch (EventIdConflictException e)
        {
            throw new RpcException(
                new Status(StatusCode.AlreadyExists, $"{e.Message}; use a new event_id for a new interaction")
            );
        }

        return new RecordInteractionResponse { HistoryCount = result.HistoryCount, EventId = interaction.EventId };
    }
}
