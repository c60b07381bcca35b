namespace RecServices.Users;

/// <summary>The answer to a recorded interaction.</summary>
/// <param name="HistoryCount">Distinct items in the user's history right after the interaction was first
/// recorded.</param>
/// <param name="Replayed">True when the event id had been recorded before: nothing was written, the first answer is
/// repeated.</param>
public sealed record RecordResult(int HistoryCount, bool Replayed);
