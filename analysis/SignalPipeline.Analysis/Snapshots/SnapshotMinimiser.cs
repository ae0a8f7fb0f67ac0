using Parquet;

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
        var text = reader.Schema.GetDataFields().Select(f => f.Name).Where(n => n != SnapshotTable.EnvelopeColumn).ToList();
        // The same layout SnapshotSpool writes: the text columns in their order, then the envelope.
        var writer = new PlainParquetWriter(output, text, SnapshotTable.EnvelopeColumn);
        long rowsKept = 0, rowsRemoved = 0, envelopesKept = 0, envelopesDropped = 0;
        for (var g = 0; g < reader.RowGroupCount; g++)
        {
            var group = await SnapshotGroup.ReadAsync(reader, g, text, ct);
            var n = group.Rows;
            var columns = text.Select((name, c) => (name, c)).ToDictionary(p => p.name, p => group.Text[p.c], StringComparer.Ordinal);
            var behind = references.IsBehind(name => columns.GetValueOrDefault(name), n);
            var keep = to == MinimiseTo.RowsBehindSignals ? Enumerable.Range(0, n).Where(i => behind[i]).ToArray() : Enumerable.Range(0, n).ToArray();
            rowsKept += keep.Length;
            rowsRemoved += n - keep.Length;
            for (var i = 0; i < n; i++)
                if (group.Envelopes[i] is not null) { if (behind[i]) envelopesKept++; else envelopesDropped++; }
            await group.WriteAsync(writer, keep, i => behind[i], ct);
        }
        await writer.FinishAsync(ct);
        return new MinimiseCounts(rowsKept, rowsRemoved, envelopesKept, envelopesDropped);
    }
}
