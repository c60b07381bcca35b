using RecServices.Core.Bundles;

namespace RecServices.Gateway.Users;

/// <summary>
/// History and profile per user. The embedded default is <see cref="SqliteUserStore"/>; a shared store for
/// several gateway replicas implements the same interface without touching the gateway's logic.
/// </summary>
public interface IUserStore
{
    /// <summary>Creates the store when needed and seeds it once from the bundle's users and interactions.</summary>
    Task InitializeAsync(Bundle bundle, CancellationToken cancellationToken);

    /// <summary>The user, or null when the store has never heard of them.</summary>
    Task<StoredUser?> FindAsync(string userId, CancellationToken cancellationToken);

    /// <summary>Appends an interaction (creating the user when new) and returns the number of distinct items in their history.</summary>
    Task<int> AppendAsync(NewInteraction interaction, CancellationToken cancellationToken);
}
