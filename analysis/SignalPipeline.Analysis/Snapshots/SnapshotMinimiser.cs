using Parquet;
using Parquet.Schema;

namespace SignalPipeline.Analysis.Snapshots;

/// <summary>How far a snapshot is minimised (docs/privacy.md, minimal snapshots).</summary>
public enum MinimiseTo
{
    /// <summary>Every row stays (the models may still need them); identity envelopes stay only for rows behind a signal.</summary>
    EnvelopesBehindSignals,
    /// <summary>Only rows behind a signal stay, with their envelopes: a snapshot older than the models need.</summary>
    RowsBehindSignals,
}

/// <summary>What one minimisation did: counts only.</summary>
public sealed record MinimiseCounts(long RowsKept, long RowsRemoved, long EnvelopesKept, long EnvelopesDropped)
{
    public bool Changed => RowsRemoved > 0 || EnvelopesDropped > 0;
}

/// <summary>Rewrites a snapshot's Parquet row group by row group (memory stays at one group), keeping what
/// <see cref="SignalReferences"/> says is behind a signal. The columns and their order are kept; models read the
/// result exactly as before when only envelopes were dropped.</summary>
public static class SnapshotMinimiser
{
    public static async Task<MinimiseCounts> RewriteAsync(Stream input, Stream output, SignalReferences references, MinimiseTo to, CancellationToken ct = default)
    {
        await using var reader = await ParquetReader.CreateAsync(input, null, false, ct);
        var fields = reader.Schema.GetDataFields();
        var strings = fields.Where(f => f.Name != SnapshotTable.EnvelopeColumn).ToList();
        var envelopeField = fields.FirstOrDefault(f => f.Name == SnapshotTable.EnvelopeColumn);
        // The same shape SnapshotSpool writes: nullable strings, then the nullable binary envelope.
        var outStrings = strings.Select(f => new DataField<string>(f.Name, true)).ToList();
        var outEnvelope = new DataField<byte[]>(SnapshotTable.EnvelopeColumn, true);
        await using var writer = await ParquetWriter.CreateAsync(new ParquetSchema([.. outStrings, outEnvelope]), output, null, false, ct);
        long rowsKept = 0, rowsRemoved = 0, envelopesKept = 0, envelopesDropped = 0;
        var wrote = false;
        for (var g = 0; g < reader.RowGroupCount; g++)
        {
            using var group = reader.OpenRowGroupReader(g);
            var n = (int)group.RowCount;
            var values = new Dictionary<string, string?[]>(StringComparer.Ordinal);
            foreach (var f in strings)
            {
                var buf = new string?[n];
                await group.ReadAsync(f, buf.AsMemory(), null, ct);
                values[f.Name] = buf;
            }
            var envelopes = new byte[]?[n];
            if (envelopeField is not null) await group.ReadAsync(envelopeField, envelopes.AsMemory(), null, ct);

            var behind = references.IsBehind(name => values.GetValueOrDefault(name), n);
            var keep = to == MinimiseTo.RowsBehindSignals ? Enumerable.Range(0, n).Where(i => behind[i]).ToArray() : Enumerable.Range(0, n).ToArray();
            rowsKept += keep.Length;
            rowsRemoved += n - keep.Length;
            for (var i = 0; i < n; i++)
                if (envelopes[i] is not null) { if (behind[i]) envelopesKept++; else envelopesDropped++; }
            if (keep.Length == 0 && (wrote || g < reader.RowGroupCount - 1)) continue; // an empty file still gets one (empty) group
            using var outGroup = writer.CreateRowGroup();
            foreach (var f in outStrings) await outGroup.WriteAsync(f, keep.Select(i => values[f.Name][i]).ToArray(), null);
            await outGroup.WriteAsync(outEnvelope, keep.Select(i => behind[i] ? envelopes[i] : null).ToArray(), null);
            wrote = true;
        }
        return new MinimiseCounts(rowsKept, rowsRemoved, envelopesKept, envelopesDropped);
    }
}
