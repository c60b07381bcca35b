using RecServices.Core.Bundles;
using RecServices.Core.Data;

namespace RecServices.Core.Tests.Bundles;

/// <summary>
/// The catalog read back from its file: served from the map, looked up by id, checked field by field.
/// </summary>
public sealed class ItemCatalogTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    [Fact]
    public void Read_WrittenCatalog_ServesTheSameItemsAndFindsEveryIdButNoOther()
    {
        var written = Catalog(
            ("i1", "Alpha (1999)", 1999, [0]),
            ("é-2", "Bêta", null, [0, 2]),
            ("i3", "Gamma", 2001, [0])
        );
        var path = Path.Combine(_dir.Path, ItemCatalog.FileName);
        written.Write(path);

        var read = ItemCatalog.Read(path);

        Assert.Equal(
            written.Items.Select(i => (i.Id, i.Title, i.Year, string.Join(",", i.Categories))),
            read.Items.Select(i => (i.Id, i.Title, i.Year, string.Join(",", i.Categories)))
        );
        Assert.Equal([0, 1, 2], new[] { "i1", "é-2", "i3" }.Select(id => read.Index[id]));
        Assert.False(read.Index.ContainsKey("i4"));
        Assert.False(read.Index.ContainsKey("i"));
        Assert.False(read.Index.ContainsKey(string.Empty));
        Assert.Equal(("é-2", "Bêta"), (read.IdOf(1), read.TitleOf(1)));
        Assert.Same(read.ItemCategories[0], read.ItemCategories[2]); // one array per category set
        Assert.Equal(3, read.Index.Count);
    }

    [Fact]
    public void Read_DuplicateId_FailsNamingTheFileAndTheItem()
    {
        var path = Path.Combine(_dir.Path, ItemCatalog.FileName);
        Catalog(("a", "A", null, []), ("b", "B", null, []), ("c", "Q", null, [])).Write(path);
        var bytes = File.ReadAllBytes(path);
        var at = bytes.AsSpan().IndexOf("\u0001c\u0001Q"u8);
        bytes[at + 1] = (byte)'a'; // the third item's id becomes the first's
        File.WriteAllBytes(path, bytes);

        var e = Assert.Throws<BundleFormatException>(() => ItemCatalog.Read(path));

        Assert.Equal(ItemCatalog.FileName + ": item 2 has a duplicate id 'a'", e.Message);
    }

    [Fact]
    public void Read_CategoryOutOfRange_FailsNamingTheItemAndTheField()
    {
        var path = Path.Combine(_dir.Path, ItemCatalog.FileName);
        Catalog(("a", "A", null, [0]), ("b", "B", null, [7])).Write(path);

        var e = Assert.Throws<BundleFormatException>(() => ItemCatalog.Read(path));

        Assert.Contains("item 1 category = 7 is outside [0, 2]", e.Message);
    }

    [Fact]
    public void Read_TruncatedFile_FailsNamingTheFile()
    {
        var path = Path.Combine(_dir.Path, ItemCatalog.FileName);
        Catalog(("a", "A", null, [0]), ("b", "Bravo", 2000, [1])).Write(path);
        File.WriteAllBytes(path, File.ReadAllBytes(path)[..^6]);

        var e = Assert.Throws<BundleFormatException>(() => ItemCatalog.Read(path));

        Assert.StartsWith(ItemCatalog.FileName + ": item 1", e.Message);
    }

    public void Dispose() => _dir.Dispose();

    private static ItemCatalog Catalog(params (string Id, string Title, int? Year, int[] Categories)[] items) =>
        new(["x", "y", "z"], items.Select(i => new Item(i.Id, i.Title, i.Year, i.Categories)).ToList());
}
