using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using RecServices.BundleServing;
using RecServices.Contracts.Catalog.V1;
using RecServices.GrpcHardening;
using RecServices.Users;

namespace RecServices.Gateway.Services;

/// <summary>
/// The CatalogService RPCs on the gateway (scope <c>recs.admin</c>): validate, write the user store, answer once the
/// store made the write durable.
/// </summary>
public sealed class CatalogGrpcService(
    RecommendationPipeline pipeline,
    LiveCatalog live,
    ICatalogStore catalogStore,
    UserStoreHealth storeHealth,
    TimeProvider timeProvider
) : CatalogService.CatalogServiceBase
{
    public override async Task<UpsertItemsResponse> UpsertItems(UpsertItemsRequest request, ServerCallContext context)
    {
        var bundle = pipeline.State.Bundle;
        var upserts = ItemUpserts.Checked(request.Items, bundle.Catalog);
        var version = await WriteAsync(
            _ => catalogStore.UpsertItemsAsync(upserts.Items, CancellationToken.None),
            context,
            "the items may or may not be written: send them again"
        );
        return new UpsertItemsResponse
        {
            CatalogVersion = version,
            ItemCount = upserts.Items.Count,
            NewItemCount = upserts.NewItemCount,
            UnknownCategories = { upserts.UnknownCategories },
            NewItemsEmbedded = bundle.Manifest.Schema.EmbedsNewItems,
        };
    }

    public override async Task<UpsertItemsStreamResponse> UpsertItemsStream(
        IAsyncStreamReader<UpsertItemsStreamRequest> requestStream,
        ServerCallContext context
    )
    {
        var response = new UpsertItemsStreamResponse();
        while (await requestStream.MoveNext(context.CancellationToken))
        {
            var bundle = pipeline.State.Bundle;
            var upserts = ItemUpserts.Checked(
                requestStream.Current.Items,
                bundle.Catalog,
                $"message {response.MessageCount + 1}: items"
            );
            response.CatalogVersion = await WriteAsync(
                _ => catalogStore.UpsertItemsAsync(upserts.Items, CancellationToken.None),
                context,
                $"the messages before message {response.MessageCount + 1} are written, it may or may not be: send it "
                    + "and the rest again"
            );
            response.MessageCount++;
            response.ItemCount += upserts.Items.Count;
            response.NewItemCount += upserts.NewItemCount;
            foreach (var (category, count) in upserts.UnknownCategories)
            {
                response.UnknownCategories[category] = response.UnknownCategories.GetValueOrDefault(category) + count;
            }

            response.NewItemsEmbedded = bundle.Manifest.Schema.EmbedsNewItems;
        }

        if (response.MessageCount == 0)
        {
            throw RequestChecks.Invalid("items", "the stream sent no message; send 1 or more UpsertItemsStreamRequest");
        }

        return response;
    }

    public override async Task<SetAvailabilityResponse> SetAvailability(
        SetAvailabilityRequest request,
        ServerCallContext context
    )
    {
        var ids = CheckedIds(request.ItemIds);
        var version = await WriteAsync(
            _ => catalogStore.SetAvailabilityAsync(ids, request.Available, CancellationToken.None),
            context,
            "the availability may or may not be set: set it again"
        );
        return new SetAvailabilityResponse { CatalogVersion = version, UnknownItemIds = { Unknown(ids) } };
    }

    public override async Task<DeleteItemsResponse> DeleteItems(DeleteItemsRequest request, ServerCallContext context)
    {
        var ids = CheckedIds(request.ItemIds);
        var version = await WriteAsync(
            _ => catalogStore.DeleteItemsAsync(ids, CancellationToken.None),
            context,
            "the items may or may not be deleted: delete them again"
        );
        return new DeleteItemsResponse { CatalogVersion = version, UnknownItemIds = { Unknown(ids) } };
    }

    public override Task<GetItemResponse> GetItem(GetItemRequest request, ServerCallContext context)
    {
        RequestChecks.Id(request.ItemId, "item_id");
        var (bundle, snapshot) = (pipeline.State.Bundle, live.Current);
        var catalog = bundle.Catalog;
        var state = snapshot.StateOf(request.ItemId);
        var inBundle = catalog.Index.TryGetValue(request.ItemId, out var index);
        if (!inBundle && state is null)
        {
            throw new RpcException(
                new Status(
                    StatusCode.NotFound,
                    $"item_id '{request.ItemId}' is neither in the served bundle ({bundle.Manifest.Version}) nor "
                        + "known to the catalog service"
                )
            );
        }

        var metadata = state?.Metadata;
        var embeds = bundle.Manifest.Schema.EmbedsNewItems;
        var response = new GetItemResponse
        {
            ItemId = request.ItemId,
            Title = inBundle ? catalog.TitleOf(index) : metadata?.Title ?? string.Empty,
            Origin = inBundle ? ItemOrigin.Bundle : ItemOrigin.CatalogService,
            Available = state?.Available ?? true,
            Deleted = state?.Deleted ?? false,
            Served = (state?.ServedAt(snapshot.AsOf) ?? true) && (inBundle || (metadata is not null && embeds)),
            HasVector = inBundle || (metadata is not null && embeds),
            BundleVersion = bundle.Manifest.Version,
            CatalogVersion = snapshot.Version,
            Year = metadata?.Year ?? (inBundle ? catalog.Items[index].Year ?? 0 : 0),
        };
        if (inBundle)
        {
            response.Categories.AddRange(catalog.ItemCategories[index].Select(c => catalog.Categories[c]));
        }
        else if (metadata is not null)
        {
            response.Categories.AddRange(metadata.Categories);
        }

        if (metadata is not null)
        {
            response.Attributes.Add(new Dictionary<string, string>(metadata.Attributes));
            response.AvailableFrom = metadata.AvailableFrom is { } from ? Timestamp.FromDateTimeOffset(from) : null;
            response.AvailableUntil = metadata.AvailableUntil is { } until ? Timestamp.FromDateTimeOffset(until) : null;
        }

        return Task.FromResult(response);
    }

    public override async Task<SetUserProfileResponse> SetUserProfile(
        SetUserProfileRequest request,
        ServerCallContext context
    )
    {
        RequestChecks.Id(request.UserId, "user_id");
        RequestChecks.Text(request.Country, "country", 64);
        RequestChecks.Profile(request.Age, request.Gender);
        var profile = new ProfileFields(
            request.Country.Length == 0 ? null : request.Country,
            request.Age == 0 ? null : request.Age,
            request.Gender.Length == 0 ? null : request.Gender
        );
        var created = await WriteAsync(
            store => store.SetProfileAsync(request.UserId, profile, CancellationToken.None),
            context,
            "the profile may or may not be set: set it again"
        );
        return new SetUserProfileResponse { Created = created };
    }

    public override async Task<DeleteUserResponse> DeleteUser(DeleteUserRequest request, ServerCallContext context)
    {
        RequestChecks.Id(request.UserId, "user_id");
        var at = timeProvider.GetUtcNow();
        var existed = await WriteAsync(
            store => store.DeleteUserAsync(request.UserId, at, CancellationToken.None),
            context,
            "the user may or may not be erased: erase them again"
        );
        return new DeleteUserResponse { Existed = existed };
    }

    /// <summary>1 to 10,000 ids, each 1 to 256 characters, once each (in the order first sent).</summary>
    private static List<string> CheckedIds(Google.Protobuf.Collections.RepeatedField<string> ids)
    {
        if (ids.Count == 0)
        {
            throw RequestChecks.Invalid("item_ids", "send 1 to 10000 item ids in item_ids; got none");
        }

        RequestChecks.Ids(ids, "item_ids");
        return [.. ids.Distinct(StringComparer.Ordinal)];
    }

    /// <summary>The ids the served bundle does not hold.</summary>
    private IEnumerable<string> Unknown(List<string> ids)
    {
        var index = pipeline.State.Bundle.Catalog.Index;
        return ids.Where(id => !index.ContainsKey(id));
    }

    /// <summary>
    /// One write to the store. Not the caller's token: once started, a write runs to its end, so that its answer is
    /// the store's; UNAVAILABLE with <paramref name="advice"/> when the store failed.
    /// </summary>
    private async Task<T> WriteAsync<T>(Func<IUserStore, Task<T>> write, ServerCallContext context, string advice)
    {
        var store = pipeline.State.Store;
        try
        {
            return await storeHealth.CallAsync(_ => write(store), context.Deadline, context.CancellationToken);
        }
        catch (UserStoreUnavailableException e)
        {
            throw UserStoreHealth.Unavailable(e, advice);
        }
    }
}
