namespace RecServices.Users;

/// <summary>
/// The store could not be reached or could not complete the operation; a write's outcome is then unknown (retry it
/// with its event id).
/// </summary>
public sealed class UserStoreUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
