namespace RecServices.Serving.Retrieval;

/// <summary>
/// What candidate generation knows of a user: recent items (item indices, oldest first), top categories
/// (most viewed first), country, the items to leave out (already seen), and the user tower's inputs (history,
/// age, gender) for the embedding source (null: that source proposes nothing), and the items added through the catalog
/// service for the fresh source (null: none).
/// </summary>
public sealed record UserContext(
    IReadOnlyList<int> RecentItems,
    IReadOnlyList<string> TopCategories,
    string? Country,
    SeenFilter Seen,
    Ranking.UserProfile? Profile = null,
    FreshItems? Fresh = null
);
