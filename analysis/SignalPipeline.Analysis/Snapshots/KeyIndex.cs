namespace SignalPipeline.Analysis.Snapshots;

/// <summary>A map from 128-bit keys (pseudonym values) to non-negative ints: the ingest's last row of every row key
/// (last-wins duplicates) and the link's object of every VBO id and address. Open addressing over one array of
/// 24-byte slots at most 70% full: a dictionary of 128-bit keys spends ~48 bytes an entry (the key's 16-byte
/// alignment pads it), holds two generations while it grows, and its lookups were the link's largest single cost.
/// A slot holds its key and value together, so a lookup of a random key (a pseudonym) costs one cache miss, not one
/// per array as when keys and values were three arrays. Reads from several threads are safe once writing has stopped.</summary>
public sealed class KeyIndex
{
    struct Slot
    {
        public ulong High, Low;
        public int ValuePlusOne; // 0: empty slot
    }

    Slot[] slots;
    int count;

    public KeyIndex(int capacity = 0)
    {
        var size = 1024;
        while (size * 7 < capacity * 10) size *= 2;
        slots = new Slot[size];
    }

    public int Count => count;

    /// <summary>Sets the key's value; returns the value it replaces, or -1 for a new key.</summary>
    public int Set(UInt128 key, int value)
    {
        ref var slot = ref Place(key, value, out var found);
        if (!found) return -1;
        var previous = slot.ValuePlusOne - 1;
        slot.ValuePlusOne = value + 1;
        return previous;
    }

    /// <summary>The key's value; a key not yet in the index gets <paramref name="value"/>. One probe, where a lookup
    /// followed by <see cref="Set"/> took two.</summary>
    public int GetOrAdd(UInt128 key, int value)
    {
        ref var slot = ref Place(key, value, out var found);
        return found ? slot.ValuePlusOne - 1 : value;
    }

    /// <summary>The key's slot; a key not yet in the index is put in with <paramref name="value"/>.</summary>
    ref Slot Place(UInt128 key, int value, out bool found)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(value);
        if ((count + 1) * 10 > slots.Length * 7) Grow();
        ref var slot = ref slots[Find(key, out found)];
        if (!found)
        {
            slot = new Slot { High = (ulong)(key >> 64), Low = (ulong)key, ValuePlusOne = value + 1 };
            count++;
        }
        return ref slot;
    }

    /// <summary>How many rows ahead a sequential build or lookup touches the slot it will need (<see cref="TouchAhead"/>).</summary>
    const int Ahead = 8;

    /// <summary>Loads the home slot of the key <see cref="Ahead"/> rows after <paramref name="row"/> of a column that
    /// is walked row by row, so that its cache miss overlaps the work on the rows before it.</summary>
    public void TouchAhead(KeyColumn keys, int row)
    {
        if (row + Ahead < keys.Count && keys.TryGet(row + Ahead, out var key)) touched += slots[Home(key, slots.Length - 1)].ValuePlusOne;
    }

    public bool TryGetValue(UInt128 key, out int value)
    {
        var at = Find(key, out var found);
        value = found ? slots[at].ValuePlusOne - 1 : -1;
        return found;
    }

    /// <summary>The values of rows <paramref name="from"/>..<paramref name="to"/> of a key column, in
    /// <paramref name="values"/> (-1 for a row without a key, or with a key not in the index). The keys are random
    /// (pseudonyms), so nearly every lookup misses the cache; a batch's home slots are touched side by side first, so
    /// their misses overlap instead of following each other (the link's largest cost).</summary>
    public void Lookup(KeyColumn keys, int from, int to, Span<int> values)
    {
        const int Batch = 16;
        var table = slots;
        var mask = table.Length - 1;
        var sum = 0;
        for (var start = from; start < to; start += Batch)
        {
            var end = Math.Min(start + Batch, to);
            for (var i = start; i < end; i++)
                if (keys.TryGet(i, out var key)) sum += table[Home(key, mask)].ValuePlusOne;
            for (var i = start; i < end; i++)
                values[i - from] = keys.TryGet(i, out var key) && TryGetValue(key, out var value) ? value : -1;
        }
        touched = sum;
    }

    /// <summary>Keeps the touching loads of <see cref="Lookup"/> and <see cref="TouchAhead"/> from being optimised away; never
    /// read. Per index, not static: two indexes built on two threads side by side do not write one shared field.</summary>
    int touched;

    /// <summary>Where a key's probe starts: Fibonacci hashing of both halves, so even keys that share their low bits
    /// spread over the table.</summary>
    static int Home(UInt128 key, int mask) => (int)((((ulong)(key >> 64) ^ (ulong)key) * 0x9E3779B97F4A7C15UL) >> 32) & mask;

    /// <summary>The key's slot, or the empty slot where it would go.</summary>
    int Find(UInt128 key, out bool found)
    {
        var (hi, lo) = ((ulong)(key >> 64), (ulong)key);
        var table = slots;
        var mask = table.Length - 1;
        for (var at = Home(key, mask); ; at = (at + 1) & mask)
        {
            ref readonly var slot = ref table[at];
            if (slot.ValuePlusOne == 0) { found = false; return at; }
            if (slot.Low == lo && slot.High == hi) { found = true; return at; }
        }
    }

    void Grow()
    {
        var old = slots;
        (slots, count) = (new Slot[old.Length * 2], 0);
        foreach (var s in old)
            if (s.ValuePlusOne != 0) Set(((UInt128)s.High << 64) | s.Low, s.ValuePlusOne - 1);
    }
}
