namespace RecServices.Core.Bundles;

/// <summary>
/// Which tables <see cref="Bundle.Load"/> reads into memory besides the manifest and the catalog (every checksum is
/// verified regardless): each stage loads only what it uses.
/// </summary>
[Flags]
public enum BundleParts
{
    /// <summary>The manifest and the catalog only.</summary>
    Catalog = 0,

    /// <summary>The item vectors V_m: what ranking scores with.</summary>
    Vectors = 1,

    /// <summary>The item-item table (the similar-items source).</summary>
    SimilarItems = 2,

    /// <summary>The top lists (genre, country and popular sources; the gateway's popular fallback).</summary>
    TopLists = 4,

    /// <summary>Users and training interactions: what seeds the user store.</summary>
    Users = 8,

    /// <summary>The embedding source's approximate index over V_m (bundles built before it have none).</summary>
    EmbeddingIndex = 16,

    /// <summary>What ranking needs: catalog and item vectors.</summary>
    Core = Vectors,

    /// <summary>What retrieval needs: catalog, item-item table and top lists.</summary>
    Retrieval = SimilarItems | TopLists,

    All = Vectors | SimilarItems | TopLists | Users | EmbeddingIndex,
}
