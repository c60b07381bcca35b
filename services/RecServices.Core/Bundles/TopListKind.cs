namespace RecServices.Core.Bundles;

/// <summary>Which population a top list ranks items for.</summary>
internal enum TopListKind : byte
{
    /// <summary>All users; the key is empty.</summary>
    Global = 1,

    /// <summary>Items of one category; the key is the category name.</summary>
    Category = 2,

    /// <summary>Users of one country (or derived locality); the key is the country code.</summary>
    Country = 3,
}
