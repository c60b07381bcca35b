namespace RecServices.Serving.Ranking;

/// <summary>
/// Where one <c>Ranker.Rank</c> call spent its
/// time.
/// </summary>
/// <param name="Inference">Building the user tower's inputs and running it once (V_u).</param>
/// <param name="Scoring">V_u · V_m for every candidate and the top-k.</param>
public readonly record struct RankTimings(TimeSpan Inference, TimeSpan Scoring);
