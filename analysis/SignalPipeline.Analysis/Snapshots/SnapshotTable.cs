using Parquet;
using Parquet.Schema;

namespace SignalPipeline.Analysis.Snapshots;

/// <summary>A snapshot in memory, column by column (memory grows with the number of objects, not file size),
/// with the sealed identity envelope of each row. Stored as Parquet: one string column per table column plus
/// <c>_envelope</c> (binary). Rows superseded by a later duplicate are dropped on write.</summary>
public sealed class SnapshotTable
{
    public const string EnvelopeColumn = "_envelope";
    const int RowGroupSize = 100_000;
    readonly Dictionary<string, List<string?>> columns = new(StringComparer.Ordinal);
    readonly List<byte[]?> envelopes = [];
    readonly List<bool> dropped = [];

    public IReadOnlyList<string> ColumnNames { get; }
    public int RowCount => dropped.Count;

    public SnapshotTable(IReadOnlyList<string> columnNames)
    {
        ColumnNames = columnNames.Where(c => c != "_scratch").ToList();
        foreach (var c in ColumnNames) columns[c] = [];
    }

    public int Add(string?[] row, byte[]? envelope)
    {
        var i = 0;
        foreach (var c in columns.Values) { c.Add(row[i]); i++; }
        envelopes.Add(envelope);
        dropped.Add(false);
        return dropped.Count - 1;
    }

    public void Drop(int row) => dropped[row] = true;
    public bool IsDropped(int row) => dropped[row];

    /// <summary>The column's values, or all nulls when the file did not have it.</summary>
    /// <remarks>Absent columns share one all-null array, sized when first asked for after the table is complete.</remarks>
    public IReadOnlyList<string?> Column(string name)
    {
        if (columns.TryGetValue(name, out var c)) return c;
        if (absent is null || absent.Length != RowCount) absent = new string?[RowCount];
        return absent;
    }
    string?[]? absent;

    public byte[]? Envelope(int row) => envelopes[row];

    public int LiveCount => dropped.Count(d => !d);

    public async Task WriteParquetAsync(Stream output, CancellationToken ct = default)
    {
        var fields = ColumnNames.Select(n => new DataField<string>(n, true)).ToList();
        var envField = new DataField<byte[]>(EnvelopeColumn, true);
        var schema = new ParquetSchema([.. fields, envField]);
        var live = Enumerable.Range(0, RowCount).Where(i => !dropped[i]).ToArray();
        await using var writer = await ParquetWriter.CreateAsync(schema, output, null, false, ct);
        for (var start = 0; start < live.Length || start == 0; start += RowGroupSize)
        {
            var slice = live.Skip(start).Take(RowGroupSize).ToArray();
            using var group = writer.CreateRowGroup();
            foreach (var f in fields)
            {
                var src = columns[f.Name];
                await group.WriteAsync(f, slice.Select(i => src[i]).ToArray(), null);
            }
            await group.WriteAsync(envField, slice.Select(i => envelopes[i]).ToArray(), null);
            if (live.Length == 0) break;
        }
    }

    /// <summary>Reads the named columns (all when null); the envelope only when asked for, since models never need it.</summary>
    public static async Task<SnapshotTable> ReadParquetAsync(Stream input, IReadOnlyCollection<string>? wanted = null, bool withEnvelope = false, CancellationToken ct = default)
    {
        await using var reader = await ParquetReader.CreateAsync(input, null, false, ct);
        var dataFields = reader.Schema.GetDataFields();
        var names = dataFields.Select(f => f.Name).Where(n => n != EnvelopeColumn && (wanted is null || wanted.Contains(n))).ToList();
        var table = new SnapshotTable(names);
        for (var g = 0; g < reader.RowGroupCount; g++)
        {
            using var group = reader.OpenRowGroupReader(g);
            var n = (int)group.RowCount;
            var values = new List<string?[]>();
            foreach (var name in names)
            {
                var buf = new string?[n];
                await group.ReadAsync(dataFields.First(f => f.Name == name), buf.AsMemory(), null, ct);
                values.Add(buf);
            }
            byte[]?[]? env = null;
            if (withEnvelope && dataFields.FirstOrDefault(f => f.Name == EnvelopeColumn) is { } ef)
            {
                env = new byte[]?[n];
                await group.ReadAsync(ef, env.AsMemory(), null, ct);
            }
            var row = new string?[names.Count];
            for (var r = 0; r < n; r++)
            {
                for (var c = 0; c < names.Count; c++) row[c] = values[c][r];
                table.Add(row, env?[r]);
            }
        }
        return table;
    }
}
