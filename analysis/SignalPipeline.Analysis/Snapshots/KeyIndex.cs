namespace SignalPipeline.Analysis.Snapshots;

/// <summary>A map from 128-bit keys (pseudonym values) to non-negative ints: the ingest's last row of every row key
/// (last-wins duplicates) and the link's object of every VBO id and address. Open addressing over three plain arrays,
/// ~20 bytes a slot at most 70% full: a dictionary of 128-bit keys spends ~48 bytes an entry (the key's 16-byte
/// alignment pads it), holds two generations while it grows, and its lookups were the link's largest single cost.
/// Reads from several threads are safe once writing has stopped.</summary>
public sealed class KeyIndex
{
    ulong[] high, low;
    int[] valuePlusOne; // 0: empty slot
    int count;

    public KeyIndex(int capacity = 0)
    {
        var size = 1024;
        while (size * 7 < capacity * 10) size *= 2;
        (high, low, valuePlusOne) = (new ulong[size], new ulong[size], new int[size]);
    }

    public int Count => count;

    /// <summary>Sets the key's value; returns the value it replaces, or -1 for a new key.</summary>
    public int Set(UInt128 key, int value)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(value);
        if ((count + 1) * 10 > valuePlusOne.Length * 7) Grow();
        var slot = Find(key, out var found);
        if (found)
        {
            var previous = valuePlusOne[slot] - 1;
            valuePlusOne[slot] = value + 1;
            return previous;
        }
        (high[slot], low[slot], valuePlusOne[slot]) = ((ulong)(key >> 64), (ulong)key, value + 1);
        count++;
        return -1;
    }

    public bool TryGetValue(UInt128 key, out int value)
    {
        var slot = Find(key, out var found);
        value = found ? valuePlusOne[slot] - 1 : -1;
        return found;
    }

    /// <summary>The key's slot, or the empty slot where it would go.</summary>
    int Find(UInt128 key, out bool found)
    {
        var (hi, lo) = ((ulong)(key >> 64), (ulong)key);
        var mask = valuePlusOne.Length - 1;
        // Fibonacci hashing of both halves: even keys that share their low bits spread over the table.
        for (var slot = (int)(((hi ^ lo) * 0x9E3779B97F4A7C15UL) >> 32) & mask; ; slot = (slot + 1) & mask)
        {
            if (valuePlusOne[slot] == 0) { found = false; return slot; }
            if (low[slot] == lo && high[slot] == hi) { found = true; return slot; }
        }
    }

    void Grow()
    {
        var (oldHigh, oldLow, oldValues) = (high, low, valuePlusOne);
        var size = oldValues.Length * 2;
        (high, low, valuePlusOne, count) = (new ulong[size], new ulong[size], new int[size], 0);
        for (var i = 0; i < oldValues.Length; i++)
            if (oldValues[i] != 0) Set(((UInt128)oldHigh[i] << 64) | oldLow[i], oldValues[i] - 1);
    }
}
