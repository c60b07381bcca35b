using RecServices.Core.Bundles;

namespace RecServices.Serving.Retrieval.Sources;

/// <summary>
/// The most popular items of each of the user's <paramref name="topGenres"/> most-viewed genres (the bundle's genre top
/// lists): up to <see cref="Quota"/> unseen items per genre. Key: the genre; score: the item's interaction count.
/// </summary>
public sealed class GenreSource(TopLists tops, int topGenres, int perGenre) : ICandidateSource
{
    public SourceKind Kind => SourceKind.Genre;

    /// <summary>Items per genre.</summary>
    public int Quota => perGenre;

    public void Propose(UserContext user, CandidateSet set, int cap)
    {
        foreach (var genre in user.TopGenres.Take(topGenres))
        {
            if (tops.ByGenre.TryGetValue(genre, out var list))
            {
                CandidateSources.OfferTop(set, user, list, Kind, genre, perGenre, cap);
            }
        }
    }
}
