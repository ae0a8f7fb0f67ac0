using System.Text;
using SignalPipeline.Analysis.Snapshots;

namespace SignalPipeline.Tests.Unit;

/// <summary>Issue 17, sixth step: snapshots are written by our own plain-page writer. Parquet.Net (another reader) and our
/// own reader must read back exactly what was written, for every shape of column a snapshot can have.</summary>
public class PlainParquetWriterTests
{
    static readonly string[] Tricky = ["", "\0", "\0\0", "1234567", "12345678", "123456789", "1234567812345678", "1234567x12345678",
        "12345678x2345678", "123456781234567", "abcdefghijklmnopq", "abcdefghijklmnopr", "é", "€uro"];

    [Fact]
    public async Task Every_value_reads_back_through_Parquet_Net_and_our_own_reader()
    {
        // Twenty text columns (the schema list then needs Thrift's long list form), two row groups of different sizes.
        var names = Enumerable.Range(0, 20).Select(i => $"c{i}").ToArray();
        var rows = new[] { 3_000, 517 };
        var random = new Random(17);
        string? Text(int column, int row) => column switch
        {
            0 => null,                                   // every row null
            1 => $"P{random.NextInt64():x16}{random.NextInt64():x16}", // every row present (pseudonyms: random hex)
            2 => row % 3 == 0 ? null : row % 3 == 1 ? "" : "Müller €😀", // nulls, empty strings, non-ASCII
            3 => row == 5 ? new string('x', 200_000) : row % 2 == 0 ? null : "W", // one value larger than the page buffer
            4 => Tricky[row % Tricky.Length],             // values the reader's short-value cache must tell apart
            _ => random.Next(4) == 0 ? null : random.Next(1_000_000).ToString(),
        };
        var groups = rows.Select(n => names.Select((_, c) => Enumerable.Range(0, n).Select(r => Text(c, r)).ToArray()).ToArray()).ToArray();
        var envelopes = rows.Select(n => Enumerable.Range(0, n).Select(r => r % 11 == 0 ? null : r % 13 == 0 ? [] : RandomBytes(random, 40 + r % 70)).ToArray()).ToArray();

        var file = new MemoryStream();
        var writer = new PlainParquetWriter(file, names, SnapshotTable.EnvelopeColumn);
        // The second group is written from an offset into larger arrays, as the spool hands over a part of its chunk.
        await writer.WriteRowGroupAsync(groups[0], envelopes[0], 0, rows[0]);
        await writer.WriteRowGroupAsync(groups[1].Select(v => new string?[] { "skipped" }.Concat(v).ToArray()).ToArray(),
            new byte[]?[] { [1] }.Concat(envelopes[1]).ToArray(), 1, rows[1]);
        await writer.FinishAsync();
        var bytes = file.ToArray();

        await using (var reader = await Parquet.ParquetReader.CreateAsync(new MemoryStream(bytes)))
        {
            Assert.Equal(2, reader.RowGroupCount);
            var fields = reader.Schema.GetDataFields();
            Assert.Equal([.. names, SnapshotTable.EnvelopeColumn], fields.Select(f => f.Name));
            for (var g = 0; g < 2; g++)
            {
                using var group = reader.OpenRowGroupReader(g);
                Assert.Equal(rows[g], group.RowCount);
                for (var c = 0; c < names.Length; c++)
                {
                    var values = new string?[rows[g]];
                    await group.ReadAsync(fields[c], values.AsMemory(), null);
                    Assert.Equal(groups[g][c], values);
                }
                var sealedBytes = new byte[]?[rows[g]];
                await group.ReadAsync(fields[^1], sealedBytes.AsMemory(), null);
                Assert.Equal(envelopes[g], sealedBytes);
            }
            // Text that compresses is compressed (codes, a repeated letter); random hex (pseudonyms) and sealed bytes,
            // which do not, are stored as they are; the first chunk decides, and no chunk has a dictionary page.
            var codecs = reader.Metadata!.RowGroups.SelectMany(g => g.Columns).Select(c => c.MetaData!)
                .GroupBy(m => m.PathInSchema[0]).ToDictionary(g => g.Key, g => g.Select(m => m.Codec).Distinct().Single());
            Assert.Equal(Parquet.Meta.CompressionCodec.UNCOMPRESSED, codecs[SnapshotTable.EnvelopeColumn]);
            Assert.Equal(Parquet.Meta.CompressionCodec.UNCOMPRESSED, codecs["c1"]);
            Assert.Equal(Parquet.Meta.CompressionCodec.SNAPPY, codecs["c2"]);
            Assert.Equal(Parquet.Meta.CompressionCodec.SNAPPY, codecs["c3"]);
            Assert.All(reader.Metadata!.RowGroups.SelectMany(g => g.Columns), c => Assert.Null(c.MetaData!.DictionaryPageOffset));
        }

        var ours = await SnapshotTable.ReadParquetAsync(new MemoryStream(bytes), withEnvelope: true);
        Assert.Equal(rows.Sum(), ours.RowCount);
        for (var c = 0; c < names.Length; c++) Assert.Equal(groups.SelectMany(g => g[c]), ours.Column(names[c]));
        Assert.Equal(envelopes.SelectMany(e => e), Enumerable.Range(0, ours.RowCount).Select(ours.Envelope));
        var keyed = await SnapshotTable.ReadParquetAsync(new MemoryStream(bytes), asKeys: ["c1"]);
        Assert.NotNull(keyed.Keys("c1"));
        Assert.Equal(groups.SelectMany(g => g[1]), keyed.Column("c1"));
    }

    [Fact]
    public async Task A_file_without_rows_has_its_columns_and_no_row_groups()
    {
        var file = new MemoryStream();
        await new PlainParquetWriter(file, ["bsn", "adres"], SnapshotTable.EnvelopeColumn).FinishAsync();
        var bytes = file.ToArray();
        Assert.Equal("PAR1", Encoding.ASCII.GetString(bytes, 0, 4));
        Assert.Equal("PAR1", Encoding.ASCII.GetString(bytes, bytes.Length - 4, 4));
        await using var reader = await Parquet.ParquetReader.CreateAsync(new MemoryStream(bytes));
        Assert.Equal(0, reader.RowGroupCount);
        Assert.Equal(["bsn", "adres", SnapshotTable.EnvelopeColumn], reader.Schema.GetDataFields().Select(f => f.Name));
        var ours = await SnapshotTable.ReadParquetAsync(new MemoryStream(bytes));
        Assert.Equal(0, ours.RowCount);
        Assert.Equal(["bsn", "adres"], ours.ColumnNames);
    }

    [Fact]
    public async Task A_row_group_with_other_columns_than_the_file_is_refused()
    {
        var writer = new PlainParquetWriter(new MemoryStream(), ["bsn", "adres"], SnapshotTable.EnvelopeColumn);
        await Assert.ThrowsAsync<ArgumentException>(() => writer.WriteRowGroupAsync([new string?[1]], [null], 0, 1));
        await Assert.ThrowsAsync<ArgumentException>(() => writer.WriteRowGroupAsync([new string?[1], new string?[1]], null, 0, 1));
    }

    static byte[] RandomBytes(Random random, int n)
    {
        var b = new byte[n];
        random.NextBytes(b);
        return b;
    }
}
