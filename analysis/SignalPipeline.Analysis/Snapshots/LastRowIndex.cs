namespace SignalPipeline.Analysis.Snapshots;

/// <summary>The last spooled row of every distinct row key (a 128-bit pseudonym value), for last-wins duplicates.
/// Open addressing over three plain arrays, ~20 bytes a slot at most 70% full: a dictionary of 128-bit keys spends
/// ~48 bytes an entry (the key's 16-byte alignment pads it) and holds two generations while it grows, which made the
/// index the one thing in the ingest that grew with the file (~125 bytes a row at the peak).</summary>
public sealed class LastRowIndex
{
    ulong[] high = new ulong[1024], low = new ulong[1024];
    int[] rowPlusOne = new int[1024]; // 0: empty slot
    int count;

    public int Count => count;

    /// <summary>Records <paramref name="row"/> as the key's last row; returns the row it replaces, or -1 for a new key.</summary>
    public int Set(UInt128 key, int row)
    {
        if ((count + 1) * 10 > rowPlusOne.Length * 7) Grow();
        var (hi, lo) = ((ulong)(key >> 64), (ulong)key);
        var mask = rowPlusOne.Length - 1;
        // Fibonacci hashing of both halves: even keys that share their low bits spread over the table.
        for (var slot = (int)(((hi ^ lo) * 0x9E3779B97F4A7C15UL) >> 32) & mask; ; slot = (slot + 1) & mask)
        {
            if (rowPlusOne[slot] == 0)
            {
                (high[slot], low[slot], rowPlusOne[slot]) = (hi, lo, row + 1);
                count++;
                return -1;
            }
            if (low[slot] == lo && high[slot] == hi)
            {
                var previous = rowPlusOne[slot] - 1;
                rowPlusOne[slot] = row + 1;
                return previous;
            }
        }
    }

    void Grow()
    {
        var (oldHigh, oldLow, oldRows) = (high, low, rowPlusOne);
        var size = oldRows.Length * 2;
        (high, low, rowPlusOne, count) = (new ulong[size], new ulong[size], new int[size], 0);
        for (var i = 0; i < oldRows.Length; i++)
            if (oldRows[i] != 0) Set(((UInt128)oldHigh[i] << 64) | oldLow[i], oldRows[i] - 1);
    }
}
