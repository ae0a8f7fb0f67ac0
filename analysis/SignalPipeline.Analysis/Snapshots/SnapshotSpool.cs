using Parquet;

namespace SignalPipeline.Analysis.Snapshots;

/// <summary>Accepted rows on their way to a snapshot, spooled to a temporary Parquet file in chunks so memory stays
/// flat with file size. Rows superseded by a later duplicate are marked dropped (one bit each) and left out when the
/// final Parquet is written. The temporary file is deleted when the spool is disposed.</summary>
public sealed class SnapshotSpool : IAsyncDisposable
{
    public const int ChunkSize = 8_192;
    string?[][] chunk;
    byte[]?[] chunkEnvelopes = new byte[]?[ChunkSize];
    int chunkCount;
    readonly FileStream temp;
    readonly List<ulong> dropped = [];
    PlainParquetWriter? writer;
    // A full chunk is encoded on the thread pool while the next one fills; one at a time, in order.
    Task pendingFlush = Task.CompletedTask;
    (string?[][] Values, byte[]?[] Envelopes)? spare;

    public IReadOnlyList<string> ColumnNames { get; }
    public int Count { get; private set; }
    /// <summary>Stopwatch ticks spent encoding spooled chunks (in the background; benchmark).</summary>
    public long EncodeTicks { get; private set; }

    public SnapshotSpool(IReadOnlyList<string> columnNames)
    {
        ColumnNames = columnNames.Where(c => c != "_scratch").ToList();
        chunk = NewChunk();
        temp = TempFiles.Create("spool", ".parquet");
    }

    string?[][] NewChunk() => ColumnNames.Select(_ => new string?[ChunkSize]).ToArray();

    /// <summary>Adds a row (values in <see cref="ColumnNames"/> order; a trailing scratch slot is ignored).</summary>
    public ValueTask<int> AddAsync(string?[] row, byte[]? envelope, CancellationToken ct = default)
    {
        for (var c = 0; c < chunk.Length; c++) chunk[c][chunkCount] = row[c];
        return AddedAsync(envelope, ct);
    }

    /// <summary>Adds row <paramref name="index"/> of rows held column by column (<c>columns[c][index]</c>, in
    /// <see cref="ColumnNames"/> order; a trailing scratch column is ignored).</summary>
    public ValueTask<int> AddAsync(string?[][] columns, int index, byte[]? envelope, CancellationToken ct = default)
    {
        for (var c = 0; c < chunk.Length; c++) chunk[c][chunkCount] = columns[c][index];
        return AddedAsync(envelope, ct);
    }

    async ValueTask<int> AddedAsync(byte[]? envelope, CancellationToken ct)
    {
        chunkEnvelopes[chunkCount++] = envelope;
        if (Count % 64 == 0) dropped.Add(0);
        if (chunkCount == ChunkSize) await FlushAsync(ct);
        return Count++;
    }

    public void Drop(int row) => dropped[row >> 6] |= 1UL << (row & 63);
    public bool IsDropped(int row) => (dropped[row >> 6] & (1UL << (row & 63))) != 0;
    public int LiveCount => Count - dropped.Sum(w => System.Numerics.BitOperations.PopCount(w));

    async Task FlushAsync(CancellationToken ct)
    {
        await pendingFlush;
        if (chunkCount == 0) return;
        var (values, envelopes, n) = (chunk, chunkEnvelopes, chunkCount);
        // The chunk before this one has been written: its arrays take the next rows (two sets in turn, not one per chunk).
        (chunk, chunkEnvelopes) = spare ?? (NewChunk(), new byte[]?[ChunkSize]);
        (spare, chunkCount) = (null, 0);
        pendingFlush = Task.Run(async () =>
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            writer ??= NewWriter(temp);
            await writer.WriteRowGroupAsync(values, envelopes, 0, n, ct);
            // Cleared, so no row outlives its chunk in memory.
            foreach (var column in values) Array.Clear(column, 0, n);
            Array.Clear(envelopes, 0, n);
            spare = (values, envelopes);
            EncodeTicks += System.Diagnostics.Stopwatch.GetTimestamp() - started;
        }, ct);
    }

    PlainParquetWriter NewWriter(Stream output) => new(output, ColumnNames, SnapshotTable.EnvelopeColumn);

    /// <summary>Writes the snapshot: every live row, in delivery order, one row group per spooled chunk. When no row was
    /// superseded the spool already is the snapshot and is copied as it is.</summary>
    public async Task WriteParquetAsync(Stream output, CancellationToken ct = default)
    {
        await FlushAsync(ct);
        await pendingFlush;
        if (writer is not null) { await writer.FinishAsync(ct); writer = null; }
        if (Count == 0) { await NewWriter(output).FinishAsync(ct); return; }
        if (LiveCount == Count)
        {
            temp.Position = 0;
            await temp.CopyToAsync(output, ct);
            return;
        }
        var outWriter = NewWriter(output);
        temp.Position = 0;
        await using var reader = await ParquetReader.CreateAsync(temp, null, true, ct);
        var start = 0;
        for (var g = 0; g < reader.RowGroupCount; g++)
        {
            var group = await SnapshotGroup.ReadAsync(reader, g, ColumnNames, ct);
            var keep = Enumerable.Range(0, group.Rows).Where(i => !IsDropped(start + i)).ToArray();
            await group.WriteAsync(outWriter, keep, _ => true, ct);
            start += group.Rows;
        }
        await outWriter.FinishAsync(ct);
    }

    /// <summary>The finished snapshot as a table (tests, small files).</summary>
    public async Task<SnapshotTable> ReadTableAsync(bool withEnvelope = true, CancellationToken ct = default)
    {
        using var ms = new MemoryStream();
        await WriteParquetAsync(ms, ct);
        ms.Position = 0;
        return await SnapshotTable.ReadParquetAsync(ms, withEnvelope: withEnvelope, ct: ct);
    }

    public async ValueTask DisposeAsync()
    {
        // A failed flush has already failed the add or the write that awaited it; here the files are only cleaned up.
        try { await pendingFlush; } catch (Exception) { }
        await temp.DisposeAsync();
    }
}
