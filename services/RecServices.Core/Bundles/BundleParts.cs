namespace RecServices.Core.Bundles;

/// <summary>
/// Which tables <see cref="Bundle.Load"/> reads besides the manifest and the catalog: each stage loads, and
/// verifies the checksums of, only what it uses (<see cref="Bundle.FilesOf"/>).
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

    /// <summary>The top lists (category, country and popular sources; the gateway's popular fallback).</summary>
    TopLists = 4,

    /// <summary>Users and training interactions: what seeds the user store.</summary>
    Users = 8,

    /// <summary>The embedding source's approximate index over V_m (bundles built before it have none).</summary>
    EmbeddingIndex = 16,

    /// <summary>The ONNX user tower (and its external data): what ranking and the embedding source run.</summary>
    UserTower = 32,

    /// <summary>The ONNX item tower: only offline consumers (the build's check) read it.</summary>
    ItemTower = 64,

    /// <summary>What ranking needs: catalog, item vectors and the user tower.</summary>
    Core = Vectors | UserTower,

    /// <summary>What retrieval needs: catalog, item-item table and top lists.</summary>
    Retrieval = SimilarItems | TopLists,

    All = Vectors | SimilarItems | TopLists | Users | EmbeddingIndex | UserTower | ItemTower,
}
