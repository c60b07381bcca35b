namespace RecServices.Core.Bundles;

/// <summary>Which tables <see cref="Bundle.Load"/> reads into memory (every checksum is verified regardless).</summary>
[Flags]
public enum BundleParts
{
    /// <summary>Manifest, catalog and item vectors: what ranking needs.</summary>
    Core = 0,

    /// <summary>The item-item table and the top lists: what retrieval needs.</summary>
    Retrieval = 1,

    /// <summary>Users and training interactions: what seeds the user store.</summary>
    Users = 2,

    All = Retrieval | Users,
}
