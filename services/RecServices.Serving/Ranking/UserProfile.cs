namespace RecServices.Serving.Ranking;

/// <summary>
/// What the user tower reads about a user: history (item indices, oldest first), age and gender when known.
/// </summary>
public sealed record UserProfile(int[] History, int? Age, string? Gender);
