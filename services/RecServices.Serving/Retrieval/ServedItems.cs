using RecServices.Core.Bundles;

namespace RecServices.Serving.Retrieval;

/// <summary>
/// What one call serves from: the bundle's catalog, the items the catalog service added (<see cref="FreshItems"/>,
/// numbered after the catalog's) and the items it hides (<see cref="HiddenItems"/>, of both). Every id, index and
/// category lookup of a call goes through it, so one answer sees one live-catalog version.
/// </summary>
public sealed class ServedItems(ItemCatalog catalog, FreshItems fresh, HiddenItems hidden)
{
    /// <summary>The bundle's catalog alone: nothing added, nothing hidden.</summary>
    public static ServedItems Of(ItemCatalog catalog) => new(catalog, FreshItems.None(catalog.Count), HiddenItems.None);

    public ItemCatalog Catalog => catalog;

    public FreshItems Fresh => fresh;

    public HiddenItems Hidden => hidden;

    /// <summary>The bound of the item indices a request may send: the catalog's and the fresh range's.</summary>
    public int IndexLimit => catalog.Count + FreshItems.MaxSlots;

    /// <summary>The index of <paramref name="id"/>: the catalog's item, else the fresh one.</summary>
    public bool TryIndex(string id, out int index) =>
        catalog.Index.TryGetValue(id, out index) || fresh.TryIndex(id, out index);

    /// <summary>Whether <paramref name="index"/> names an item here (a fresh index this process has not read does not).</summary>
    public bool Knows(int index) => (uint)index < (uint)catalog.Count || fresh.At(index) is not null;

    /// <summary>The id of item <paramref name="index"/> (known: <see cref="Knows"/>).</summary>
    public string IdOf(int index) => index < catalog.Count ? catalog.IdOf(index) : fresh.At(index)!.Id;

    /// <summary>The title of item <paramref name="index"/>.</summary>
    public string TitleOf(int index) => index < catalog.Count ? catalog.TitleOf(index) : fresh.At(index)!.Title;

    /// <summary>The category indices of item <paramref name="index"/> (none for an unknown fresh index).</summary>
    public int[] CategoriesOf(int index) =>
        index < catalog.Count ? catalog.ItemCategories[index] : fresh.At(index)?.Categories ?? [];

    /// <summary>
    /// Adds the index of each id to <paramref name="known"/>; ids neither the catalog nor the catalog service holds
    /// go to <paramref name="unknown"/> (when given).
    /// </summary>
    public void Resolve(IEnumerable<string> ids, ICollection<int> known, ICollection<string>? unknown = null)
    {
        foreach (var id in ids)
        {
            if (TryIndex(id, out var item))
            {
                known.Add(item);
            }
            else
            {
                unknown?.Add(id);
            }
        }
    }
}
