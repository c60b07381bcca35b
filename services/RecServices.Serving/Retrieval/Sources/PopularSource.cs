using RecServices.Contracts.Gateway.V1;
using RecServices.Core.Bundles;

namespace RecServices.Serving.Retrieval.Sources;

/// <summary>
/// The globally most popular items (the bundle's global top list): up to <see cref="Quota"/> unseen items, and for
/// a user with no history (cold start) <paramref name="coldStartExtra"/> more, taking the similar-items source's
/// place. Key: empty; score: the item's interaction count.
/// </summary>
public sealed class PopularSource(TopLists tops, int popular, int coldStartExtra) : ICandidateSource
{
    public SourceKind Kind => SourceKind.Popular;

    public int Quota => popular;

    public void Propose(UserContext user, CandidateSet set, int cap) =>
        CandidateSources.OfferTop(
            set,
            user,
            tops.Global,
            Kind,
            string.Empty,
            popular + (user.RecentItems.Count == 0 ? coldStartExtra : 0),
            cap
        );
}
