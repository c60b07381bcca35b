using RecServices.Contracts.Gateway.V1;
using RecServices.Core.Bundles;

namespace RecServices.Serving.Retrieval.Sources;

/// <summary>
/// The most popular items in the user's country or locality (the bundle's country top lists): up to
/// <see cref="Quota"/> unseen items; nothing for a user without a known country. Key: the country; score: the
/// item's interaction count there.
/// </summary>
public sealed class CountrySource(TopLists tops, int perCountry) : ICandidateSource
{
    public SourceKind Kind => SourceKind.Country;

    public int Quota => perCountry;

    public void Propose(UserContext user, CandidateSet set, int cap)
    {
        if (user.Country is not null && tops.ByCountry.TryGetValue(user.Country, out var list))
        {
            CandidateSources.OfferTop(set, user, list, Kind, user.Country, perCountry, cap);
        }
    }
}
