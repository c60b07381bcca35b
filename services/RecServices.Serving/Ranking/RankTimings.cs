namespace RecServices.Serving.Ranking;

/// <summary>
/// Where one <see cref="Ranker.Rank(UserProfile, ReadOnlySpan{int}, Span{RankedItem}, out RankTimings, Retrieval.FreshItems)"/> spent its
/// time.
/// </summary>
/// <param name="Inference">Building the user tower's inputs and running it once (V_u).</param>
/// <param name="Scoring">V_u · V_m for every candidate and the top-k.</param>
public readonly record struct RankTimings(TimeSpan Inference, TimeSpan Scoring);
