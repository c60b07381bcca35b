namespace RecServices.Core.Bundles;

/// <summary>
/// The most popular items (train interaction count) globally, per category and per country, best first.
/// File <c>top_items.bin</c>, little-endian:
/// <code>
/// header   8 bytes "RSTOPLST", int32 version = 1
/// int32 L (number of lists, 1..100,000), then L × list
/// list     byte kind (1 global, 2 category, 3 country), string key (..256 chars; empty for global, unique per kind),
///          int32 n (0..100,000), n × int32 item index (&lt; catalog count, distinct), n × float32 score (finite,
///          non-increasing)
/// </code>
/// </summary>
public sealed class TopLists
{
    public const string FileName = "top_items.bin";
    private const string Magic = "RSTOPLST";
    private const int Version = 1;

    public TopLists(
        TopList global,
        IReadOnlyDictionary<string, TopList> byCategory,
        IReadOnlyDictionary<string, TopList> byCountry
    )
    {
        Global = global;
        ByCategory = byCategory;
        ByCountry = byCountry;
    }

    public TopList Global { get; }

    public IReadOnlyDictionary<string, TopList> ByCategory { get; }

    public IReadOnlyDictionary<string, TopList> ByCountry { get; }

    public void Write(string path)
    {
        using var w = new TableWriter(path, Magic, Version);
        w.WriteInt(1 + ByCategory.Count + ByCountry.Count);
        WriteList(w, TopListKind.Global, string.Empty, Global);
        foreach (var (key, list) in ByCategory.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            WriteList(w, TopListKind.Category, key, list);
        }

        foreach (var (key, list) in ByCountry.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            WriteList(w, TopListKind.Country, key, list);
        }
    }

    public static TopLists Read(string path, int itemCount)
    {
        using var r = new TableReader(path, Magic, Version);
        var count = r.ReadInt("list count", 1, 100_000);
        TopList? global = null;
        var categories = new Dictionary<string, TopList>(StringComparer.Ordinal);
        var countries = new Dictionary<string, TopList>(StringComparer.Ordinal);
        for (var l = 0; l < count; l++)
        {
            var kind = (TopListKind)r.ReadByte();
            var key = r.ReadString($"list {l} key", 256);
            var n = r.ReadInt($"list {l} length", 0, 100_000);
            var items = new int[n];
            var scores = new float[n];
            r.ReadInts(items);
            r.ReadFloats(scores, $"list {l} score");
            var distinct = new HashSet<int>();
            for (var j = 0; j < n; j++)
            {
                if (items[j] < 0 || items[j] >= itemCount || !distinct.Add(items[j]))
                {
                    throw r.Error(
                        $"list {l} ('{key}') entry {j} = {items[j]} is not a distinct item index below {itemCount}"
                    );
                }

                if (j > 0 && scores[j] > scores[j - 1])
                {
                    throw r.Error($"list {l} ('{key}') is not sorted by score at entry {j}");
                }
            }

            var list = new TopList(items, scores);
            var added = kind switch
            {
                TopListKind.Global when global is null && key.Length == 0 => (global = list) is not null,
                TopListKind.Category => categories.TryAdd(key, list),
                TopListKind.Country => countries.TryAdd(key, list),
                _ => false,
            };
            if (!added)
            {
                throw r.Error($"list {l} has an unknown kind ({(byte)kind}) or a duplicate key '{key}'");
            }
        }

        r.End();
        return new TopLists(global ?? throw r.Error("no global list"), categories, countries);
    }

    private static void WriteList(TableWriter w, TopListKind kind, string key, TopList list)
    {
        w.WriteByte((byte)kind);
        w.WriteString(key);
        w.WriteInt(list.Items.Length);
        w.WriteInts(list.Items);
        w.WriteFloats(list.Scores);
    }
}
