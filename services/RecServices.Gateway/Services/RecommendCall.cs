namespace RecServices.Gateway.Services;

/// <summary>
/// One Recommend's inputs: the state it serves from, the user as read, the history as item indexes, the sources'
/// context.
/// </summary>
public sealed record RecommendCall(
    GatewayState State,
    Users.StoredUser? User,
    int[] History,
    Serving.Retrieval.UserContext Context,
    int Count,
    int MaxCandidates,
    DateTime CallerDeadline
) : Serving.Pipeline.FlowCall(State.Bundle, History, Context, Count, MaxCandidates, User?.Age, User?.Gender)
{
    /// <summary>The user could not be read (the store failed): the answer is the degraded fallback.</summary>
    public bool StoreFailed { get; init; }

    /// <summary>The items the request excludes (<c>exclude_item_ids</c> resolved), beside the history.</summary>
    public int[] Excluded { get; init; } = [];

    /// <summary>Now (by <paramref name="time"/>) plus <paramref name="milliseconds"/>, never past the caller's deadline.</summary>
    public DateTime Deadline(int milliseconds, TimeProvider time)
    {
        var deadline = time.GetUtcNow().UtcDateTime.AddMilliseconds(milliseconds);
        return deadline < CallerDeadline ? deadline : CallerDeadline;
    }
}
