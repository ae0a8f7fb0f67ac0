using Parquet;
using Parquet.Schema;

namespace SignalPipeline.Analysis.Snapshots;

/// <summary>Accepted rows on their way to a snapshot, spooled to a temporary Parquet file in chunks so memory stays
/// flat with file size. Rows superseded by a later duplicate are marked dropped (one bit each) and left out when the
/// final Parquet is written. The temporary file is deleted when the spool is disposed.</summary>
public sealed class SnapshotSpool : IAsyncDisposable
{
    public const int ChunkSize = 16_384;
    readonly List<DataField<string>> fields;
    readonly DataField<byte[]> envelopeField = new(SnapshotTable.EnvelopeColumn, true);
    readonly List<string?>[] chunk;
    readonly List<byte[]?> chunkEnvelopes = new(ChunkSize);
    readonly FileStream temp;
    readonly List<ulong> dropped = [];
    ParquetWriter? writer;

    public IReadOnlyList<string> ColumnNames { get; }
    public int Count { get; private set; }

    public SnapshotSpool(IReadOnlyList<string> columnNames)
    {
        ColumnNames = columnNames.Where(c => c != "_scratch").ToList();
        fields = ColumnNames.Select(n => new DataField<string>(n, true)).ToList();
        chunk = ColumnNames.Select(_ => new List<string?>(ChunkSize)).ToArray();
        temp = TempFiles.Create("spool", ".parquet");
    }

    ParquetSchema Schema => new([.. fields, envelopeField]);

    /// <summary>Adds a row (values in <see cref="ColumnNames"/> order; a trailing scratch slot is ignored).</summary>
    public async ValueTask<int> AddAsync(string?[] row, byte[]? envelope, CancellationToken ct = default)
    {
        for (var c = 0; c < chunk.Length; c++) chunk[c].Add(row[c]);
        chunkEnvelopes.Add(envelope);
        if (Count % 64 == 0) dropped.Add(0);
        if (chunkEnvelopes.Count == ChunkSize) await FlushAsync(ct);
        return Count++;
    }

    public void Drop(int row) => dropped[row >> 6] |= 1UL << (row & 63);
    public bool IsDropped(int row) => (dropped[row >> 6] & (1UL << (row & 63))) != 0;
    public int LiveCount => Count - dropped.Sum(w => System.Numerics.BitOperations.PopCount(w));

    async Task FlushAsync(CancellationToken ct)
    {
        if (chunkEnvelopes.Count == 0) return;
        writer ??= await ParquetWriter.CreateAsync(Schema, temp, null, false, ct);
        using var group = writer.CreateRowGroup();
        for (var c = 0; c < fields.Count; c++) { await group.WriteAsync(fields[c], chunk[c].ToArray(), null); chunk[c].Clear(); }
        await group.WriteAsync(envelopeField, chunkEnvelopes.ToArray(), null);
        chunkEnvelopes.Clear();
    }

    /// <summary>Writes the snapshot: every live row, in delivery order, one row group per spooled chunk.</summary>
    public async Task WriteParquetAsync(Stream output, CancellationToken ct = default)
    {
        await FlushAsync(ct);
        if (writer is not null) { await writer.DisposeAsync(); writer = null; }
        await using var outWriter = await ParquetWriter.CreateAsync(Schema, output, null, false, ct);
        if (Count == 0) { using var empty = outWriter.CreateRowGroup(); foreach (var f in fields) await empty.WriteAsync(f, Array.Empty<string?>(), null); await empty.WriteAsync(envelopeField, Array.Empty<byte[]?>(), null); return; }
        temp.Position = 0;
        await using var reader = await ParquetReader.CreateAsync(temp, null, true, ct);
        var start = 0;
        for (var g = 0; g < reader.RowGroupCount; g++)
        {
            using var group = reader.OpenRowGroupReader(g);
            var n = (int)group.RowCount;
            var keep = Enumerable.Range(0, n).Where(i => !IsDropped(start + i)).ToArray();
            using var outGroup = outWriter.CreateRowGroup();
            foreach (var f in fields)
            {
                var values = new string?[n];
                await group.ReadAsync(f, values.AsMemory(), null, ct);
                await outGroup.WriteAsync(f, keep.Select(i => values[i]).ToArray(), null);
            }
            var env = new byte[]?[n];
            await group.ReadAsync(envelopeField, env.AsMemory(), null, ct);
            await outGroup.WriteAsync(envelopeField, keep.Select(i => env[i]).ToArray(), null);
            start += n;
        }
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
        if (writer is not null) await writer.DisposeAsync();
        await temp.DisposeAsync();
    }
}
