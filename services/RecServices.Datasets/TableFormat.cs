using RecServices.Core.Data;

namespace RecServices.Datasets;

/// <summary>
/// The names of the dataset table format (docs/data.md): a folder with up to three tables, <c>interactions</c>
/// (required), <c>items</c> and <c>users</c>, each one file or a folder of part files, Parquet or CSV.
/// </summary>
internal static class TableFormat
{
    public const string Interactions = "interactions";
    public const string Items = "items";
    public const string Users = "users";

    public const string UserId = "user_id";
    public const string ItemId = "item_id";
    public const string Timestamp = "timestamp";
    public const string Kind = "kind";
    public const string Rating = "rating";
    public const string Count = "count";
    public const string Title = "title";
    public const string Categories = "categories";
    public const string Year = "year";
    public const string Country = "country";
    public const string Age = "age";
    public const string Gender = "gender";

    /// <summary>The separator of the values of a multi-valued CSV field (categories).</summary>
    public const char ListSeparator = '|';

    /// <summary>
    /// The accepted <c>kind</c> values (case-insensitive) and the interaction kind each maps to. Every kind marks the
    /// item as seen; a value not listed is an error naming it.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, InteractionKind> Kinds = new Dictionary<string, InteractionKind>(
        StringComparer.OrdinalIgnoreCase
    )
    {
        ["view"] = InteractionKind.Watched,
        ["watch"] = InteractionKind.Watched,
        ["watched"] = InteractionKind.Watched,
        ["click"] = InteractionKind.Watched,
        ["play"] = InteractionKind.Watched,
        ["listen"] = InteractionKind.Watched,
        ["read"] = InteractionKind.Watched,
        ["use"] = InteractionKind.Watched,
        ["like"] = InteractionKind.Watched,
        ["add_to_cart"] = InteractionKind.Watched,
        ["purchase"] = InteractionKind.Purchased,
        ["purchased"] = InteractionKind.Purchased,
        ["buy"] = InteractionKind.Purchased,
        ["order"] = InteractionKind.Purchased,
        ["subscribe"] = InteractionKind.Purchased,
        ["rating"] = InteractionKind.Rated,
        ["rate"] = InteractionKind.Rated,
        ["rated"] = InteractionKind.Rated,
    };

    /// <summary>The word <c>recs data convert</c> writes for each kind.</summary>
    public static string KindName(InteractionKind kind) =>
        kind switch
        {
            InteractionKind.Watched => "watch",
            InteractionKind.Purchased => "purchase",
            InteractionKind.Rated => "rating",
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "no table format name"),
        };
}
