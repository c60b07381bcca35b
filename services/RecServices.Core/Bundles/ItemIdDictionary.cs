using System.Buffers;
using System.Collections;
using System.Text;

namespace RecServices.Core.Bundles;

/// <summary>
/// Item id → item index over the catalog's UTF-8 ids where they lie in the mapped file: an open-addressing hash table
/// of item indices, so that a million ids cost one int per slot and no strings. A lookup encodes the asked id to UTF-8
/// on the stack and compares bytes. Read-only and thread-safe once built.
/// </summary>
internal sealed class ItemIdDictionary : IReadOnlyDictionary<string, int>
{
    private const int MaxIdBytes = 256 * 3;
    private static readonly UTF8Encoding Utf8 = new(false, throwOnInvalidBytes: false);
    private readonly Func<int, ReadOnlySpan<byte>> _idBytes;
    private readonly int[] _slots;
    private readonly int _mask;

    /// <param name="count">Items.</param>
    /// <param name="idBytes">The UTF-8 bytes of item i's id.</param>
    /// <param name="duplicate">Called with the index of an item whose id an earlier item already has (the table keeps
    /// the first).</param>
    public ItemIdDictionary(int count, Func<int, ReadOnlySpan<byte>> idBytes, Action<int> duplicate)
    {
        Count = count;
        _idBytes = idBytes;
        var size = 1;
        while (size < count * 2L)
        {
            size <<= 1;
        }

        _slots = new int[Math.Max(2, size)];
        _mask = _slots.Length - 1;
        for (var i = 0; i < count; i++)
        {
            var id = idBytes(i);
            var slot = Hash(id) & _mask;
            while (true)
            {
                var held = _slots[slot];
                if (held == 0)
                {
                    _slots[slot] = i + 1;
                    break;
                }

                if (idBytes(held - 1).SequenceEqual(id))
                {
                    duplicate(i);
                    break;
                }

                slot = (slot + 1) & _mask;
            }
        }
    }

    public int Count { get; }

    public IEnumerable<string> Keys => this.Select(p => p.Key);

    public IEnumerable<int> Values => this.Select(p => p.Value);

    public int this[string key] =>
        TryGetValue(key, out var value)
            ? value
            : throw new KeyNotFoundException($"item id '{key}' is not in the catalog");

    public bool ContainsKey(string key) => TryGetValue(key, out _);

    public bool TryGetValue(string key, out int value)
    {
        value = -1;
        if (key.Length == 0 || key.Length > 256)
        {
            return false;
        }

        byte[]? rented = null;
        var buffer = key.Length <= 128 ? stackalloc byte[384] : (rented = ArrayPool<byte>.Shared.Rent(MaxIdBytes));
        try
        {
            var id = buffer[..Utf8.GetBytes(key, buffer)];
            var slot = Hash(id) & _mask;
            while (_slots[slot] is var held and > 0)
            {
                if (_idBytes(held - 1).SequenceEqual(id))
                {
                    value = held - 1;
                    return true;
                }

                slot = (slot + 1) & _mask;
            }

            return false;
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    public IEnumerator<KeyValuePair<string, int>> GetEnumerator()
    {
        for (var i = 0; i < Count; i++)
        {
            yield return KeyValuePair.Create(Encoding.UTF8.GetString(_idBytes(i)), i);
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private static int Hash(ReadOnlySpan<byte> bytes)
    {
        var hash = new HashCode();
        hash.AddBytes(bytes);
        return hash.ToHashCode() & int.MaxValue;
    }
}
