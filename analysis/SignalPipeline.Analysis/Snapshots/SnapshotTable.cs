using Parquet;
using Parquet.Schema;

namespace SignalPipeline.Analysis.Snapshots;

/// <summary>A stored snapshot read back into memory, column by column, for the nightly run and reveal. Parquet layout:
/// one nullable string column per table column plus <c>_envelope</c> (binary); written by <see cref="SnapshotSpool"/>.</summary>
public sealed class SnapshotTable
{
    public const string EnvelopeColumn = "_envelope";
    readonly Dictionary<string, List<string?>> columns = new(StringComparer.Ordinal);
    readonly List<byte[]?> envelopes = [];

    public IReadOnlyList<string> ColumnNames { get; }
    public int RowCount => envelopes.Count;

    public SnapshotTable(IReadOnlyList<string> columnNames)
    {
        ColumnNames = columnNames.Where(c => c != "_scratch").ToList();
        foreach (var c in ColumnNames) columns[c] = [];
    }

    void Add(string?[] row, byte[]? envelope)
    {
        var i = 0;
        foreach (var c in columns.Values) { c.Add(row[i]); i++; }
        envelopes.Add(envelope);
    }

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

    /// <summary>One row's values in <see cref="ColumnNames"/> order.</summary>
    public string?[] Row(int row) => ColumnNames.Select(c => columns[c][row]).ToArray();


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
