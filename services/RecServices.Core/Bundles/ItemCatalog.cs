using System.Collections.Frozen;
using RecServices.Core.Data;

namespace RecServices.Core.Bundles;

/// <summary>
/// The items a bundle serves, with their genres. File <c>catalog.bin</c>, little-endian:
/// <code>
/// header      8 bytes "RSCATLOG", int32 version = 1
/// genres      int32 G (0..1024), then G × string (7-bit length-prefixed UTF-8)
/// items       int32 N (1..50,000,000), then N × item
/// item        string id (1..256 chars, unique), string title (..1024 chars),
///             int32 year (0 = unknown, else 1..9999), int32 g (0..G), g × int32 genre (ascending, &lt; G)
/// </code>
/// An item's position in the file is its item index, used by every other table.
/// </summary>
public sealed class ItemCatalog
{
    public const string FileName = "catalog.bin";
    private const string Magic = "RSCATLOG";
    private const int Version = 1;

    public ItemCatalog(IReadOnlyList<string> genres, IReadOnlyList<Item> items)
        : this(genres, items, IndexOf(items))
    {
    }

    private ItemCatalog(IReadOnlyList<string> genres, IReadOnlyList<Item> items, Dictionary<string, int> index)
    {
        Genres = genres;
        Items = items;
        Index = index;
        ItemGenres = items.Select(item => item.Genres).ToArray();
        GenreIndex = genres.Select((g, i) => KeyValuePair.Create(g, i)).ToFrozenDictionary(StringComparer.Ordinal);
    }

    public IReadOnlyList<string> Genres { get; }

    public IReadOnlyList<Item> Items { get; }

    public int Count => Items.Count;

    /// <summary>Item id to item index (a plain dictionary: at a million items a frozen one takes seconds to build).</summary>
    public IReadOnlyDictionary<string, int> Index { get; }

    /// <summary>Genre name to genre index.</summary>
    public FrozenDictionary<string, int> GenreIndex { get; }

    /// <summary>Genre indices by item index.</summary>
    public int[][] ItemGenres { get; }

    /// <summary>Adds the item index of each id to <paramref name="known"/>; ids not in the catalog go to <paramref name="unknown"/> (when given).</summary>
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

    public void Write(string path)
    {
        using var w = new TableWriter(path, Magic, Version);
        w.WriteInt(Genres.Count);
        foreach (var genre in Genres)
        {
            w.WriteString(genre);
        }

        w.WriteInt(Items.Count);
        foreach (var item in Items)
        {
            w.WriteString(item.Id);
            w.WriteString(item.Title);
            w.WriteInt(item.Year ?? 0);
            w.WriteInt(item.Genres.Length);
            foreach (var g in item.Genres)
            {
                w.WriteInt(g);
            }
        }
    }

    public static ItemCatalog Read(string path)
    {
        using var r = new TableReader(path, Magic, Version);
        var genreCount = r.ReadInt("genre count", 0, 1024);
        var genres = new string[genreCount];
        for (var g = 0; g < genreCount; g++)
        {
            genres[g] = r.ReadString($"genre {g}", 256);
        }

        var count = r.ReadInt("item count", 1, 50_000_000);
        var items = new Item[count];
        var index = new Dictionary<string, int>(count, StringComparer.Ordinal);
        for (var i = 0; i < count; i++)
        {
            items[i] = ReadItem(r, i, genreCount, index);
        }

        r.End();
        return new ItemCatalog(genres, items, index);
    }

    /// <summary>One item; field names are plain constants (no per-item strings on the way), the item number is added on failure.</summary>
    private static Item ReadItem(TableReader r, int i, int genreCount, Dictionary<string, int> index)
    {
        try
        {
            var id = r.ReadString("id", 256);
            if (id.Length == 0 || !index.TryAdd(id, i))
            {
                throw r.Error($"item {i} has an empty or duplicate id '{id}'");
            }

            var title = r.ReadString("title", 1024);
            var year = r.ReadInt("year", 0, 9999);
            var itemGenres = new int[r.ReadInt("genre count", 0, genreCount)];
            for (var j = 0; j < itemGenres.Length; j++)
            {
                itemGenres[j] = r.ReadInt("genre", j == 0 ? 0 : itemGenres[j - 1] + 1, genreCount - 1);
            }

            return new Item(id, title, year == 0 ? null : year, itemGenres);
        }
        catch (BundleFormatException e) when (!e.Message.StartsWith(r.FileName + ": item ", StringComparison.Ordinal))
        {
            throw r.Error($"item {i} {e.Message[(r.FileName.Length + 2)..]}");
        }
    }

    private static Dictionary<string, int> IndexOf(IReadOnlyList<Item> items)
    {
        var index = new Dictionary<string, int>(items.Count, StringComparer.Ordinal);
        for (var i = 0; i < items.Count; i++)
        {
            index.Add(items[i].Id, i);
        }

        return index;
    }
}
