namespace RecServices.Users;

/// <summary>What an acknowledged write survives, as the store reports its own settings.</summary>
/// <param name="EveryWriteSynced">True when every acknowledged write is on disk (fsynced) before the answer.</param>
/// <param name="Description">The settings read, e.g. "appendonly yes, appendfsync always".</param>
public sealed record StoreDurability(bool EveryWriteSynced, string Description);
