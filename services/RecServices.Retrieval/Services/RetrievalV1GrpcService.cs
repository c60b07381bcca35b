using Grpc.Core;
using RecServices.BundleServing;
using RecServices.Contracts.Common.V1;
using RecServices.Contracts.Gateway.V1;
using RecServices.Contracts.Retrieval.V2;
using RecServices.GrpcHardening;
using RecServices.Serving.Wire;
using V1 = RecServices.Contracts.Retrieval.V1;

namespace RecServices.Retrieval.Services;

/// <summary>
/// <c>recservices.retrieval.v1</c>, still served for callers built before v2 (a gateway of the previous release during
/// a rolling upgrade): its own checks, so that errors name v1's fields, then the request in v2's terms answered by
/// <see cref="RetrievalGrpcService"/>, and the answer back in v1's columns.
/// </summary>
public sealed class RetrievalV1GrpcService(Readiness<RetrievalState> readiness, RetrievalGrpcService current)
    : V1.RetrievalService.RetrievalServiceBase
{
    public override Task<V1.GetCandidatesResponse> GetCandidates(
        V1.GetCandidatesRequest request,
        ServerCallContext context
    )
    {
        Checked(request);
        var answer = current.Answer(V2Of(request), context);
#pragma warning disable CS0612 // a caller that sends only the deprecated field gets the kind it knows
        var legacy = request.TopCategories.Count == 0 && request.TopGenres.Count > 0;
#pragma warning restore CS0612
        return Task.FromResult(V1Of(answer, legacy));
    }

    /// <summary>
    /// The fields v1 has and v2 has not (the id and index pairs, answer_with_indexes, top_genres) checked, each
    /// failure naming its v1 field; the others are v2's, checked by <see cref="RetrievalGrpcService"/> under the
    /// same names.
    /// </summary>
    private void Checked(V1.GetCandidatesRequest request)
    {
        RequestChecks.Text(request.BundleVersion, "bundle_version", RequestChecks.MaxIdLength);
        RequestChecks.IdsOrIndexes(
            request.RecentItemIds.Count,
            request.RecentItemIndexes.Count,
            "recent_item_ids",
            "recent_item_indexes",
            request.BundleVersion
        );
        RequestChecks.IdsOrIndexes(
            request.ExcludedItemIds.Count,
            request.ExcludedItemIndexes.Count,
            "excluded_item_ids",
            "excluded_item_indexes",
            request.BundleVersion
        );
        if (request.AnswerWithIndexes && request.BundleVersion.Length == 0)
        {
            throw RequestChecks.Invalid(
                "bundle_version",
                "answer_with_indexes needs bundle_version: indexes are positions in one bundle's item "
                    + "table, so pin the version you hold"
            );
        }

        var catalog = readiness.Pinned(request.BundleVersion).Bundle.Catalog;
        RequestChecks.Ids(request.RecentItemIds, "recent_item_ids");
        RequestChecks.Ids(request.ExcludedItemIds, "excluded_item_ids");
        RequestChecks.Indexes(request.RecentItemIndexes, catalog.Count, "recent_item_indexes", request.BundleVersion);
        RequestChecks.Indexes(
            request.ExcludedItemIndexes,
            catalog.Count,
            "excluded_item_indexes",
            request.BundleVersion
        );
#pragma warning disable CS0612 // the deprecated field, still read from callers built before top_categories
        RequestChecks.Ids(request.TopGenres, "top_genres");
#pragma warning restore CS0612
    }

    /// <summary>The v1 request in v2's terms (checked: a list comes as ids or as indexes).</summary>
    private static GetCandidatesRequest V2Of(V1.GetCandidatesRequest request)
    {
        var v2 = new GetCandidatesRequest
        {
            BundleVersion = request.BundleVersion,
            RecentItems = ItemReferences.OfPair(
                request.RecentItemIds,
                request.RecentItemIndexes,
                request.BundleVersion
            ),
            ExcludedItems = ItemReferences.OfPair(
                request.ExcludedItemIds,
                request.ExcludedItemIndexes,
                request.BundleVersion
            ),
            Country = request.Country,
            Age = request.Age,
            Gender = request.Gender,
            MaxCandidateCount = request.MaxCandidateCount,
            AnswerForm = request.AnswerWithIndexes ? ItemForm.Indexes : ItemForm.Ids,
        };
#pragma warning disable CS0612 // the deprecated field, read when the new one is empty
        v2.TopCategories.AddRange(request.TopCategories.Count > 0 ? request.TopCategories : request.TopGenres);
#pragma warning restore CS0612
        return v2;
    }

    /// <summary>
    /// v2's answer in v1's columns. The source kinds have the same numbers in both; a caller that knows only the
    /// deprecated <c>top_genres</c> (<paramref name="legacyCaller"/>, built before <c>SOURCE_KIND_CATEGORY</c>) gets
    /// the category source as the <c>SOURCE_KIND_GENRE</c> it knows.
    /// </summary>
    internal static V1.GetCandidatesResponse V1Of(GetCandidatesResponse answer, bool legacyCaller)
    {
        var v1 = new V1.GetCandidatesResponse
        {
            BundleVersion = answer.BundleVersion,
            SourceStarts = { answer.SourceStarts },
            SourceKeyIndexes = { answer.SourceKeyIndexes },
            SourceScores = { answer.SourceScores },
            SourceKeys = { answer.SourceKeys },
            UnknownItemIds = { answer.UnknownItemIds },
        };
        if (answer.Candidates.RefsCase == ItemRefs.RefsOneofCase.Indexes)
        {
            v1.ItemIndexes.AddRange(answer.Candidates.Indexes.Indexes);
        }
        else
        {
            v1.ItemIds.AddRange(answer.Candidates.Ids?.Ids ?? []);
        }

        v1.SourceKinds.Capacity = answer.SourceKinds.Count;
        foreach (var kind in answer.SourceKinds)
        {
#pragma warning disable CS0612 // the deprecated value, for the callers that know only it
            v1.SourceKinds.Add(
                legacyCaller && kind == SourceKind.Category ? V1.SourceKind.Genre : (V1.SourceKind)(int)kind
            );
#pragma warning restore CS0612
        }

        return v1;
    }
}
