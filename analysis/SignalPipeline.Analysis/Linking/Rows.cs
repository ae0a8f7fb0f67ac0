namespace SignalPipeline.Analysis.Linking;

/// <summary>Row ranges for the cores.</summary>
static class Rows
{
    /// <summary>Rows in ranges of 65 536, handed to the cores one range at a time (none for an empty table: the range
    /// partitioner refuses an empty range).</summary>
    public static void InRanges(int rows, Action<int, int> body)
    {
        if (rows > 0) Parallel.ForEach(System.Collections.Concurrent.Partitioner.Create(0, rows, 65_536), range => body(range.Item1, range.Item2));
    }
}
