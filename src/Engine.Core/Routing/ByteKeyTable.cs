using System.Text;

namespace Engine.Core.Routing;

/// <summary>
/// An immutable open-addressing hash table keyed by bytes, looked up with a span and no
/// allocation. Keys are config values (host names, paths), so a request can only probe, never
/// insert: the load factor stays at most 1/2 and a probe run is short. With
/// <c>ignoreCase</c> keys are stored ASCII-lowercase and lookups hash and compare the request's
/// bytes case-insensitively without copying them.
/// </summary>
internal sealed class ByteKeyTable<TValue>
{
    private readonly int[] _slots;      // entry index + 1; 0 is empty
    private readonly uint[] _hashes;
    private readonly byte[][] _keys;
    private readonly TValue[] _values;
    private readonly int _mask;
    private readonly bool _ignoreCase;

    public ByteKeyTable(IReadOnlyList<KeyValuePair<byte[], TValue>> entries, bool ignoreCase)
    {
        _ignoreCase = ignoreCase;
        int capacity = 4;
        while (capacity < entries.Count * 2)
        {
            capacity <<= 1;
        }

        _slots = new int[capacity];
        _mask = capacity - 1;
        _hashes = new uint[entries.Count];
        _keys = new byte[entries.Count][];
        _values = new TValue[entries.Count];
        for (int i = 0; i < entries.Count; i++)
        {
            byte[] key = entries[i].Key;
            if (ignoreCase && key.AsSpan().IndexOfAnyInRange((byte)'A', (byte)'Z') >= 0)
            {
                key = (byte[])key.Clone();
                Ascii.ToLowerInPlace(key, out _);
            }

            uint hash = AsciiBytes.Hash(key, ignoreCase);
            int slot = (int)hash & _mask;
            while (_slots[slot] != 0)
            {
                if (_hashes[_slots[slot] - 1] == hash && _keys[_slots[slot] - 1].AsSpan().SequenceEqual(key))
                {
                    throw new ArgumentException($"duplicate key '{Encoding.UTF8.GetString(key)}'", nameof(entries));
                }

                slot = (slot + 1) & _mask;
            }

            _slots[slot] = i + 1;
            _hashes[i] = hash;
            _keys[i] = key;
            _values[i] = entries[i].Value;
        }
    }

    public int Count => _keys.Length;

    public bool TryGetValue(ReadOnlySpan<byte> key, out TValue value)
    {
        uint hash = AsciiBytes.Hash(key, _ignoreCase);
        int slot = (int)hash & _mask;
        while (true)
        {
            int entry = _slots[slot] - 1;
            if (entry < 0)
            {
                value = default!;
                return false;
            }

            if (_hashes[entry] == hash
                && (_ignoreCase ? Ascii.EqualsIgnoreCase(key, _keys[entry]) : key.SequenceEqual(_keys[entry])))
            {
                value = _values[entry];
                return true;
            }

            slot = (slot + 1) & _mask;
        }
    }

    /// <summary>Entries in insertion order (for <c>Describe</c>).</summary>
    public IEnumerable<KeyValuePair<byte[], TValue>> Entries
    {
        get
        {
            for (int i = 0; i < _keys.Length; i++)
            {
                yield return new KeyValuePair<byte[], TValue>(_keys[i], _values[i]);
            }
        }
    }
}
