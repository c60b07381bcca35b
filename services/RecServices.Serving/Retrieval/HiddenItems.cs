namespace RecServices.Serving.Retrieval;

/// <summary>
/// Items of one served catalog that the live catalog hides (not available, or deleted), as a bit per item: never
/// proposed, ranked or sent, whoever the user. Immutable; one per catalog and live-catalog version.
/// </summary>
public sealed class HiddenItems
{
    private readonly ulong[] _bits;

    /// <param name="catalogCount">The items of the catalog the indices belong to.</param>
    /// <param name="items">The hidden items' indices (outside the catalog: ignored).</param>
    public HiddenItems(int catalogCount, IEnumerable<int> items)
    {
        _bits = new ulong[(catalogCount + 63) / 64];
        foreach (var item in items)
        {
            if ((uint)item < (uint)catalogCount && (_bits[item >> 6] & (1UL << item)) == 0)
            {
                _bits[item >> 6] |= 1UL << item;
                Count++;
            }
        }
    }

    /// <summary>Nothing hidden.</summary>
    public static HiddenItems None { get; } = new(0, []);

    /// <summary>How many items are hidden.</summary>
    public int Count { get; }

    public bool Contains(int item) => (uint)(item >> 6) < (uint)_bits.Length && (_bits[item >> 6] & (1UL << item)) != 0;
}
