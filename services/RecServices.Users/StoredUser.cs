namespace RecServices.Users;

/// <summary>A user as the store holds them.</summary>
/// <param name="Id">The user's id.</param>
/// <param name="Country">Country or locality code, when known.</param>
/// <param name="Age">Age in years, when known.</param>
/// <param name="Gender">"M", "F" or null.</param>
/// <param name="History">The newest distinct items asked for, oldest first (an item interacted with again stands at its
/// latest time).</param>
/// <param name="ItemCount">Every distinct item the user ever interacted with.</param>
public sealed record StoredUser(
    string Id,
    string? Country,
    int? Age,
    string? Gender,
    IReadOnlyList<string> History,
    int ItemCount
)
{
    /// <summary>
    /// True when <see cref="History"/> is only the newest part: seen items beyond it must be asked for with
    /// <see cref="IUserStore.SeenAmongAsync"/>.
    /// </summary>
    public bool HistoryTruncated => ItemCount > History.Count;
}
