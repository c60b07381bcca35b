using System.Collections.Frozen;
using System.Security.Cryptography;
using System.Text;

namespace RecServices.Core.Data;

/// <summary>
/// Items, users and their interactions. Items and users are addressed by dense indices
/// (their position in <see cref="Items"/> and <see cref="Users"/>); ids are the dataset's own strings.
/// </summary>
public sealed class Dataset
{
    private FrozenDictionary<string, int>? _itemIndex;
    private FrozenDictionary<string, int>? _userIndex;

    public Dataset(
        string name,
        IReadOnlyList<string> categories,
        IReadOnlyList<Item> items,
        IReadOnlyList<User> users,
        InteractionTable interactions
    )
    {
        Name = name;
        Categories = categories;
        Items = items;
        Users = users;
        Interactions = interactions;
    }

    /// <summary>Where the data came from, e.g. "movielens-100k" or "synthetic(seed=42,...)".</summary>
    public string Name { get; }

    /// <summary>Category names; items refer to them by index.</summary>
    public IReadOnlyList<string> Categories { get; }

    public IReadOnlyList<Item> Items { get; }

    public IReadOnlyList<User> Users { get; }

    public InteractionTable Interactions { get; }

    /// <summary>Item columns beyond id, title, categories and year, each by item index; empty for most formats.</summary>
    public IReadOnlyList<ItemAttribute> ItemAttributes { get; init; } = [];

    /// <summary>Item id to dense index.</summary>
    public FrozenDictionary<string, int> ItemIndex =>
        _itemIndex ??= Items
            .Select((item, i) => KeyValuePair.Create(item.Id, i))
            .ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>User id to dense index.</summary>
    public FrozenDictionary<string, int> UserIndex =>
        _userIndex ??= Users
            .Select((user, i) => KeyValuePair.Create(user.Id, i))
            .ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>The same catalog and users with other interactions (a split's train or test part).</summary>
    public Dataset WithInteractions(InteractionTable interactions) =>
        new(Name, Categories, Items, Users, interactions)
        {
            ItemAttributes = ItemAttributes,
            _itemIndex = _itemIndex,
            _userIndex = _userIndex,
        };

    /// <summary>
    /// SHA-256 over every category, item, user and interaction in a canonical encoding: two datasets with the
    /// same content have the same fingerprint whatever files they were read from.
    /// </summary>
    public string Fingerprint()
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var buffer = new MemoryStream();
        using var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true);

        void Flush()
        {
            writer.Flush();
            hash.AppendData(buffer.GetBuffer(), 0, (int)buffer.Length);
            buffer.SetLength(0);
        }

        writer.Write(Categories.Count);
        foreach (var category in Categories)
        {
            writer.Write(category);
        }

        writer.Write(Items.Count);
        foreach (var item in Items)
        {
            writer.Write(item.Id);
            writer.Write(item.Title);
            writer.Write(item.Year ?? int.MinValue);
            writer.Write(item.Categories.Length);
            foreach (var g in item.Categories)
            {
                writer.Write(g);
            }

            if (buffer.Length > 1 << 16)
            {
                Flush();
            }
        }

        foreach (var attribute in ItemAttributes)
        {
            writer.Write(attribute.Name);
            writer.Write(attribute.IsNumeric);
            foreach (var number in attribute.Numbers)
            {
                writer.Write(number);
            }

            foreach (var code in attribute.Codes)
            {
                writer.Write(code < 0 ? string.Empty : attribute.Values[code]);
            }

            Flush();
        }

        writer.Write(Users.Count);
        foreach (var user in Users)
        {
            writer.Write(user.Id);
            writer.Write(user.Country ?? string.Empty);
            writer.Write(user.Age ?? -1);
            writer.Write(user.Gender ?? string.Empty);
            if (buffer.Length > 1 << 16)
            {
                Flush();
            }
        }

        var t = Interactions;
        writer.Write(t.Count);
        for (var row = 0; row < t.Count; row++)
        {
            writer.Write(t.Users[row]);
            writer.Write(t.Items[row]);
            writer.Write(t.Ratings[row]);
            writer.Write(t.Timestamps[row]);
            writer.Write((byte)t.Kinds[row]);
            if (buffer.Length > 1 << 16)
            {
                Flush();
            }
        }

        Flush();
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
