namespace RecServices.Users;

/// <summary>
/// The store could not be reached or could not complete the operation; a write's outcome is then unknown (retry it
/// with its event id). <see cref="Problem"/> is the kind of failure in a few stable words (for a log line written
/// when the kind changes: no key, user id or varying detail in it).
/// </summary>
public sealed class UserStoreUnavailableException(string message, Exception? inner = null, string? problem = null)
    : Exception(message, inner)
{
    public string Problem { get; } = problem ?? inner?.GetType().Name ?? "unavailable";
}
