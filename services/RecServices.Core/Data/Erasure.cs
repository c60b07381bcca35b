namespace RecServices.Core.Data;

/// <summary>
/// A user erased from the user store (<c>DeleteUser</c>): training leaves out every row of theirs up to
/// <paramref name="ErasedAt"/>, from the dataset and from the interaction log alike.
/// </summary>
/// <param name="UserId">The erased user's id.</param>
/// <param name="ErasedAt">When they were erased, Unix time in seconds (the latest erasure when erased again).</param>
public sealed record Erasure(string UserId, long ErasedAt);
