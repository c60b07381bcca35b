namespace RecServices.Serving.Retrieval;

/// <summary>The candidate sources.</summary>
public enum SourceKind
{
    /// <summary>One of the most similar items of a recent item (the precomputed item-item table).</summary>
    SimilarItems = 1,

    /// <summary>One of the top items of one of the user's top categories (MovieLens: genres).</summary>
    Category = 2,

    /// <summary>One of the top items of the user's country.</summary>
    Country = 3,

    /// <summary>One of the globally most popular items.</summary>
    Popular = 4,

    /// <summary>One of the items with the highest model score V_u · V_m for the user.</summary>
    Embedding = 5,
}
