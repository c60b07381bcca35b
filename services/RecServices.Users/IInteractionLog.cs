using RecServices.Core.Data;

namespace RecServices.Users;

/// <summary>
/// The append-only log of every interaction the gateway acknowledged (not the seeded ones), which training reads
/// back.
/// </summary>
public interface IInteractionLog : IAsyncDisposable
{
    /// <summary>Every recorded interaction; each user's in the order they were recorded.</summary>
    IAsyncEnumerable<RecordedInteraction> ReadAllAsync(CancellationToken cancellationToken);

    /// <summary>Every user erased from the store, with the time of their latest erasure.</summary>
    IAsyncEnumerable<Erasure> ReadErasuresAsync(CancellationToken cancellationToken);
}
