namespace RecServices.Serving.Retrieval;

/// <summary>
/// What candidate generation knows of a user: recent items (item indices, oldest first), top genres
/// (most viewed first), country, and the items to leave out (already seen).
/// </summary>
public sealed record UserContext(IReadOnlyList<int> RecentItems, IReadOnlyList<string> TopGenres, string? Country, IReadOnlySet<int> Excluded);
