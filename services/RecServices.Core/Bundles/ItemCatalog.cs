using System.Collections;
using System.Collections.Frozen;
using System.Text;
using RecServices.Core.Data;

namespace RecServices.Core.Bundles;

/// <summary>
/// The items a bundle serves, with their categories. File <c>catalog.bin</c>, little-endian:
/// <code>
/// header      8 bytes "RSCATLOG", int32 version = 1
/// categories      int32 G (0..1024), then G × string (7-bit length-prefixed UTF-8)
/// items       int32 N (1..50,000,000), then N × item
/// item        string id (1..256 chars, unique), string title (..1024 chars),
///             int32 year (0 = unknown, else 1..9999), int32 g (0..G), g × int32 category (ascending, &lt; G)
/// </code>
/// An item's position in the file is its item index, used by every other table. A read catalog serves ids and titles
/// from a memory map of the file (decoded when asked for: a request reads a handful), keeps one offset per id and
/// title, the years, and one shared category array per distinct category set, and finds ids through an
/// <see cref="ItemIdDictionary"/> over the mapped bytes: a million items load in a pass over the file, without a
/// million strings on the heap.
/// </summary>
public sealed class ItemCatalog
{
    public const string FileName = "catalog.bin";
    private const string Magic = "RSCATLOG";
    private const int Version = 1;

    private readonly IReadOnlyList<Item>? _items;
    private readonly MappedFile? _file;
    private readonly long[]? _idAt;
    private readonly long[]? _titleAt;
    private readonly int[]? _years;
    private readonly string?[]? _ids;

    public ItemCatalog(IReadOnlyList<string> categories, IReadOnlyList<Item> items)
    {
        Categories = categories;
        _items = items;
        Items = items;
        Count = items.Count;
        var index = new Dictionary<string, int>(items.Count, StringComparer.Ordinal);
        for (var i = 0; i < items.Count; i++)
        {
            index.Add(items[i].Id, i);
        }

        Index = index;
        ItemCategories = items.Select(item => item.Categories).ToArray();
        CategoryIndex = CategoryIndexOf(categories);
    }

    private ItemCatalog(
        IReadOnlyList<string> categories,
        MappedFile file,
        long[] idAt,
        long[] titleAt,
        int[] years,
        int[][] itemCategories,
        TableReader r
    )
    {
        Categories = categories;
        (_file, _idAt, _titleAt, _years, ItemCategories) = (file, idAt, titleAt, years, itemCategories);
        _ids = new string?[idAt.Length];
        Items = new MappedItems(this);
        Count = idAt.Length;
        Index = new ItemIdDictionary(
            Count,
            IdBytes,
            i => throw r.Error($"item {i} has a duplicate id '{Encoding.UTF8.GetString(IdBytes(i))}'")
        );
        CategoryIndex = CategoryIndexOf(categories);
    }

    public IReadOnlyList<string> Categories { get; }

    /// <summary>The items in item-index order (a read catalog builds each <see cref="Item"/> when asked).</summary>
    public IReadOnlyList<Item> Items { get; }

    public int Count { get; }

    /// <summary>Item id to item index.</summary>
    public IReadOnlyDictionary<string, int> Index { get; }

    /// <summary>Category name to category index.</summary>
    public FrozenDictionary<string, int> CategoryIndex { get; }

    /// <summary>Category indices by item index (items with the same categories share one array).</summary>
    public int[][] ItemCategories { get; }

    /// <summary>
    /// Item <paramref name="item"/>'s id (a read catalog decodes it once and keeps it: hot items cost nothing
    /// after).
    /// </summary>
    public string IdOf(int item)
    {
        if (_items is not null)
        {
            return _items[item].Id;
        }

        return _ids![item] ??= Encoding.UTF8.GetString(IdBytes(item));
    }

    /// <summary>Item <paramref name="item"/>'s title.</summary>
    public string TitleOf(int item) =>
        _items is not null ? _items[item].Title : Encoding.UTF8.GetString(Payload(_titleAt![item]));

    /// <summary>
    /// Adds the item index of each id to <paramref name="known"/>; ids not in the catalog go to
    /// <paramref name="unknown"/> (when given).
    /// </summary>
    public void Resolve(IEnumerable<string> ids, ICollection<int> known, ICollection<string>? unknown = null)
    {
        foreach (var id in ids)
        {
            if (Index.TryGetValue(id, out var item))
            {
                known.Add(item);
            }
            else
            {
                unknown?.Add(id);
            }
        }
    }

    /// <summary>
    /// The items a request sent by id (resolved; ids not in the catalog go to <paramref name="unknown"/>, when
    /// given) then by index (checked by the caller), in the order sent.
    /// </summary>
    public List<int> ItemsOf(
        IReadOnlyCollection<string> ids,
        IReadOnlyCollection<int> indexes,
        ICollection<string>? unknown = null
    )
    {
        var items = new List<int>(ids.Count + indexes.Count);
        Resolve(ids, items, unknown);
        items.AddRange(indexes);
        return items;
    }

    public void Write(string path)
    {
        using var w = new TableWriter(path, Magic, Version);
        w.WriteInt(Categories.Count);
        foreach (var category in Categories)
        {
            w.WriteString(category);
        }

        w.WriteInt(Count);
        foreach (var item in Items)
        {
            w.WriteString(item.Id);
            w.WriteString(item.Title);
            w.WriteInt(item.Year ?? 0);
            w.WriteInt(item.Categories.Length);
            foreach (var g in item.Categories)
            {
                w.WriteInt(g);
            }
        }
    }

    /// <summary>
    /// Checks every field in one pass over a memory map of the file, then serves the catalog from the map.
    /// </summary>
    public static ItemCatalog Read(string path)
    {
        using var r = new TableReader(path, Magic, Version);
        var categoryCount = r.ReadInt("category count", 0, 1024);
        var categories = new string[categoryCount];
        for (var g = 0; g < categoryCount; g++)
        {
            categories[g] = r.ReadString($"category {g}", 256);
        }

        var count = r.ReadInt("item count", 1, 50_000_000);
        var file = new MappedFile(path);
        var bytes = file.Span<byte>(0, checked((int)file.Length));
        var at = r.Position;
        var (idAt, titleAt, years, itemCategories) = (
            new long[count],
            new long[count],
            new int[count],
            new int[count][]
        );
        var shared = new Dictionary<ulong, int[]>();
        Span<int> buffer = stackalloc int[1024];
        for (var i = 0; i < count; i++)
        {
            idAt[i] = at;
            var id = Utf8String(bytes, ref at, 256, r, i, "id");
            if (id.Length == 0)
            {
                throw r.Error($"item {i} has an empty id");
            }

            titleAt[i] = at;
            Utf8String(bytes, ref at, 1024, r, i, "title");
            years[i] = Int(bytes, ref at, 0, 9999, r, i, "year");
            var g = Int(bytes, ref at, 0, categoryCount, r, i, "category count");
            var set = buffer[..g];
            var mask = 0UL;
            for (var j = 0; j < g; j++)
            {
                set[j] = Int(bytes, ref at, j == 0 ? 0 : set[j - 1] + 1, categoryCount - 1, r, i, "category");
                mask |= set[j] < 64 ? 1UL << set[j] : 0;
            }

            // Items with the same categories (always the case below 64 categories) share one array.
            if (categoryCount <= 64)
            {
                if (!shared.TryGetValue(mask, out var array))
                {
                    shared[mask] = array = set.ToArray();
                }

                itemCategories[i] = array;
            }
            else
            {
                itemCategories[i] = set.ToArray();
            }
        }

        if (at != bytes.Length)
        {
            throw r.Error($"{bytes.Length - at} unexpected bytes after the end of the table");
        }

        return new ItemCatalog(categories, file, idAt, titleAt, years, itemCategories, r);
    }

    private static FrozenDictionary<string, int> CategoryIndexOf(IReadOnlyList<string> categories) =>
        categories.Select((g, i) => KeyValuePair.Create(g, i)).ToFrozenDictionary(StringComparer.Ordinal);

    private ReadOnlySpan<byte> IdBytes(int item) => Payload(_idAt![item]);

    /// <summary>
    /// The bytes of the length-prefixed string at <paramref name="at"/> (checked when the catalog was read).
    /// </summary>
    private ReadOnlySpan<byte> Payload(long at)
    {
        var bytes = _file!.Span<byte>(0, (int)_file.Length);
        var position = (int)at;
        var length = Length7Bit(bytes, ref position);
        return bytes.Slice(position, length);
    }

    private static int Length7Bit(ReadOnlySpan<byte> bytes, ref int position)
    {
        var (result, shift) = (0, 0);
        byte b;
        do
        {
            if (position >= bytes.Length || shift > 28)
            {
                return -1;
            }

            b = bytes[position++];
            result |= (b & 0x7F) << shift;
            shift += 7;
        } while ((b & 0x80) != 0);
        return result;
    }

    private static ReadOnlySpan<byte> Utf8String(
        ReadOnlySpan<byte> bytes,
        ref long at,
        int maxChars,
        TableReader r,
        int item,
        string field
    )
    {
        var position = (int)at;
        var length = Length7Bit(bytes, ref position);
        if (length < 0 || position + (long)length > bytes.Length)
        {
            throw r.Error($"item {item} {field}: the file ends early (truncated) or the length is corrupt");
        }

        var text = bytes.Slice(position, length);
        if (!System.Text.Unicode.Utf8.IsValid(text))
        {
            throw r.Error($"item {item} {field}: not valid UTF-8");
        }

        if (length > maxChars && Encoding.UTF8.GetCharCount(text) > maxChars)
        {
            throw r.Error($"item {item} {field} is longer than {maxChars} characters");
        }

        at = position + length;
        return text;
    }

    private static int Int(
        ReadOnlySpan<byte> bytes,
        ref long at,
        int min,
        int max,
        TableReader r,
        int item,
        string field
    )
    {
        if (at + 4 > bytes.Length)
        {
            throw r.Error($"item {item} {field}: the file ends early (truncated)");
        }

        var value = BitConverter.ToInt32(bytes.Slice((int)at, 4));
        at += 4;
        return value < min || value > max
            ? throw r.Error($"item {item} {field} = {value} is outside [{min}, {max}]")
            : value;
    }

    /// <summary>A read catalog's items, each built when asked for.</summary>
    private sealed class MappedItems(ItemCatalog catalog) : IReadOnlyList<Item>
    {
        public int Count => catalog.Count;

        public Item this[int index] =>
            (uint)index < (uint)catalog.Count
                ? new Item(
                    catalog.IdOf(index),
                    catalog.TitleOf(index),
                    catalog._years![index] == 0 ? null : catalog._years[index],
                    catalog.ItemCategories[index]
                )
                : throw new ArgumentOutOfRangeException(nameof(index), index, $"the catalog has {catalog.Count} items");

        public IEnumerator<Item> GetEnumerator()
        {
            for (var i = 0; i < Count; i++)
            {
                yield return this[i];
            }
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
