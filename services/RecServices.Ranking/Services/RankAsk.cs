using RecServices.Contracts.Ranking.V2;
using RecServices.Serving.Ranking;
using RecServices.Serving.Retrieval;
using RecServices.Serving.Wire;

namespace RecServices.Ranking.Services;

/// <summary>
/// A checked rank request in the catalog's terms: the user's profile (history as item indexes), the candidates
/// each once in the order sent less those the live catalog hides, the ids the catalog does not hold, and how many to
/// answer.
/// </summary>
internal sealed record RankAsk(UserProfile Profile, List<int> Candidates, List<string> Unknown, int Top)
{
    /// <summary>Maps <paramref name="request"/> (checked) onto <paramref name="served"/>.</summary>
    public static RankAsk From(RankCandidatesRequest request, ServedItems served)
    {
        var history = request.History.Resolve(served);
        var unknown = new List<string>();
        var candidates = request.Candidates.Resolve(served, unknown);
        Distinct(candidates);
        var hidden = served.Hidden;
        if (hidden.Count > 0)
        {
            candidates.RemoveAll(hidden.Contains);
        }

        var profile = new UserProfile(
            history.ToArray(),
            request.Age == 0 ? null : request.Age,
            request.Gender.Length == 0 ? null : request.Gender
        );
        var top = request.TopCount == 0 ? candidates.Count : Math.Min(request.TopCount, candidates.Count);
        return new RankAsk(profile, candidates, unknown, top);
    }

    /// <summary>Keeps the first of each item, in order: an item sent twice is ranked once.</summary>
    private static void Distinct(List<int> items)
    {
        var seen = new HashSet<int>(items.Count);
        var kept = 0;
        for (var i = 0; i < items.Count; i++)
        {
            if (seen.Add(items[i]))
            {
                items[kept++] = items[i];
            }
        }

        items.RemoveRange(kept, items.Count - kept);
    }
}
