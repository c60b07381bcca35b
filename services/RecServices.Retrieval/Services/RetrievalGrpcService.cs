using Grpc.Core;
using RecServices.BundleServing;
using RecServices.Contracts.Common.V1;
using RecServices.Contracts.Retrieval.V2;
using RecServices.GrpcHardening;
using RecServices.Serving.Ranking;
using RecServices.Serving.Retrieval;
using RecServices.Serving.Wire;

namespace RecServices.Retrieval.Services;

/// <summary>
/// The RetrievalService RPCs (<c>recservices.retrieval.v2</c>): validate, map the item references to the bundle's
/// item indices, generate, answer in the form asked for. <see cref="RetrievalV1GrpcService"/> serves v1 through
/// <see cref="Answer"/>.
/// </summary>
public sealed class RetrievalGrpcService(
    Readiness<RetrievalState> readiness,
    LiveCatalog live,
    RetrievalMetrics metrics,
    TimeProvider time
) : RetrievalService.RetrievalServiceBase
{
    public override Task<GetCandidatesResponse> GetCandidates(
        GetCandidatesRequest request,
        ServerCallContext context
    ) => Task.FromResult(Answer(request, context));

    /// <summary>The candidates for <paramref name="request"/>, checked first; legacy v1 callers come through here.</summary>
    internal GetCandidatesResponse Answer(GetCandidatesRequest request, ServerCallContext context)
    {
        var state = Checked(request);
        RequestChecks.StillWanted(context, time);
        var served = live.Current.For(state.Bundle);
        var (user, unknown) = UserOf(request, served);
        var max =
            request.MaxCandidateCount == 0 ? state.Generator.Options.DefaultMaxCandidates : request.MaxCandidateCount;
        var set = state.Generator.Generate(user, max);
        metrics.Record(set);

        var response = new GetCandidatesResponse { BundleVersion = state.Bundle.Manifest.Version };
        response.UnknownItemIds.AddRange(unknown.Distinct(StringComparer.Ordinal));
        CandidateColumns.Write(set, state.Bundle, served, request.AnswerForm == ItemForm.Indexes, response);
        return response;
    }

    /// <summary>The request's fields checked, each failure naming its field; the state pinned to its version.</summary>
    private RetrievalState Checked(GetCandidatesRequest request)
    {
        RequestChecks.Text(request.BundleVersion, "bundle_version", RequestChecks.MaxIdLength);
        if (request.AnswerForm == ItemForm.Indexes && request.BundleVersion.Length == 0)
        {
            throw RequestChecks.Invalid(
                "bundle_version",
                "answer_form ITEM_FORM_INDEXES needs bundle_version: indexes are positions in one bundle's item "
                    + "table, so pin the version you hold"
            );
        }

        if (!Enum.IsDefined(request.AnswerForm))
        {
            throw RequestChecks.Invalid(
                "answer_form",
                $"answer_form {(int)request.AnswerForm} is not an ItemForm; send ITEM_FORM_IDS or ITEM_FORM_INDEXES"
            );
        }

        var state = readiness.Pinned(request.BundleVersion);
        var limits = state.Generator.Options;
        var (version, items) = (state.Bundle.Manifest.Version, state.Bundle.Catalog.Count);
        if (
            (
                request.RecentItems.Problem("recent_items", version, items)
                ?? request.ExcludedItems.Problem("excluded_items", version, items)
            )
            is var (field, message)
        )
        {
            throw RequestChecks.Invalid(field, message);
        }

        RequestChecks.Count(
            request.MaxCandidateCount,
            limits.MaxCandidatesLimit,
            "max_candidate_count",
            $"0 means the default ({limits.DefaultMaxCandidates})"
        );
        RequestChecks.Ids(request.TopCategories, "top_categories");
        RequestChecks.Text(request.Country, "country", 64);
        RequestChecks.Profile(request.Age, request.Gender);
        return state;
    }

    /// <summary>
    /// The user as the candidate sources see them: recent items and excluded history as item indices (ids the
    /// catalog does not hold are returned beside), top categories, country and profile; the items the live catalog
    /// hides are skipped with the excluded ones (the sources fill their quotas from deeper in their lists).
    /// </summary>
    private static (UserContext User, List<string> Unknown) UserOf(GetCandidatesRequest request, ServedItems served)
    {
        var unknown = new List<string>();
        var recent = request.RecentItems.Resolve(served, unknown);
        var history = request.ExcludedItems.Resolve(served, unknown);
        var profile = new UserProfile(
            [.. history],
            request.Age == 0 ? null : request.Age,
            request.Gender.Length == 0 ? null : request.Gender
        );
        var user = new UserContext(
            recent,
            request.TopCategories,
            string.IsNullOrEmpty(request.Country) ? null : request.Country,
            SeenFilter.Of(history).Hiding(served.Hidden),
            profile,
            served.Fresh
        );
        return (user, unknown);
    }
}
