using Parquet;
using Parquet.Schema;

namespace SignalPipeline.Analysis.Snapshots;

/// <summary>One row group of a snapshot file in memory (text columns and envelopes), for the rewrites that keep some of
/// its rows: the spool leaving out superseded duplicates, and minimisation leaving out what no signal needs.</summary>
sealed record SnapshotGroup(string?[][] Text, byte[]?[] Envelopes, int Rows)
{
    /// <summary>Reads row group <paramref name="g"/>: the named text columns in that order, and the envelope column
    /// (all nulls when the file has none).</summary>
    public static async Task<SnapshotGroup> ReadAsync(ParquetReader reader, int g, IReadOnlyList<string> textColumns, CancellationToken ct)
    {
        var fields = reader.Schema.GetDataFields();
        using var group = reader.OpenRowGroupReader(g);
        var n = (int)group.RowCount;
        var text = new string?[textColumns.Count][];
        for (var c = 0; c < text.Length; c++)
        {
            text[c] = new string?[n];
            await group.ReadAsync(fields.Single(f => f.Name == textColumns[c]), text[c].AsMemory(), null, ct);
        }
        var envelopes = new byte[]?[n];
        if (fields.FirstOrDefault(f => f.Name == SnapshotTable.EnvelopeColumn) is DataField envelopeField)
            await group.ReadAsync(envelopeField, envelopes.AsMemory(), null, ct);
        return new SnapshotGroup(text, envelopes, n);
    }

    /// <summary>The rows at <paramref name="keep"/> (in that order), with each envelope kept only where
    /// <paramref name="keepEnvelope"/> says so, written as one row group (nothing when no row is kept).</summary>
    public async Task WriteAsync(PlainParquetWriter writer, int[] keep, Func<int, bool> keepEnvelope, CancellationToken ct)
    {
        if (keep.Length == 0) return;
        var text = Text.Select(column => keep.Select(i => column[i]).ToArray()).ToArray();
        await writer.WriteRowGroupAsync(text, keep.Select(i => keepEnvelope(i) ? Envelopes[i] : null).ToArray(), 0, keep.Length, ct);
    }
}
