namespace RecServices.Core.Data;

/// <summary>What a user did with an item. Every kind marks the item as seen.</summary>
public enum InteractionKind : byte
{
    /// <summary>The user watched (or listened to, or viewed) the item.</summary>
    Watched = 1,

    /// <summary>The user bought the item.</summary>
    Purchased = 2,

    /// <summary>The user rated the item; the rating is in <see cref="InteractionTable.Ratings"/>.</summary>
    Rated = 3,
}
