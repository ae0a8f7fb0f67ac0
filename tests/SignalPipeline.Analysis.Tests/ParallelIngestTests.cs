using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using SignalPipeline.Analysis.Privacy;
using SignalPipeline.Analysis.Snapshots;
using SignalPipeline.Tests.Infrastructure;

namespace SignalPipeline.Tests.Unit;

/// <summary>Issue 17: rows are validated, pseudonymised and sealed in batches on every core and spooled in delivery order;
/// snapshots are read back row group by row group on every core. Nothing about the result may depend on that.</summary>
public class ParallelIngestTests
{
    static string Bsn(int n)
    {
        var s = (10_000_000 + n).ToString("D8");
        var sum = 0;
        for (var i = 0; i < 8; i++) sum += (9 - i) * (s[i] - '0');
        return sum % 11 == 10 ? "" : s + (char)('0' + sum % 11);
    }

    /// <summary>40 000 BRP rows (several batches, three spool chunks): a bad BSN every 997th row, and every 1 000th row
    /// a later duplicate of an earlier person, 5 000 rows on (across batch and chunk boundaries).</summary>
    static (string Csv, List<int> BadLines, Dictionary<string, int> LastLineOf, int Rows) Extract()
    {
        var csv = new StringBuilder("bsn;verblijfsobject_id;functie_adres\n");
        var bad = new List<int>();
        var last = new Dictionary<string, int>();
        var people = new List<string>();
        var line = 1;
        for (var n = 0; people.Count + bad.Count < 40_000; n++)
        {
            line++;
            if (line % 997 == 0) { csv.Append("12345;1771010000000001;W\n"); bad.Add(line); continue; }
            string bsn;
            if (line % 1000 == 0 && people.Count > 5_000) bsn = people[people.Count - 5_000];
            else if ((bsn = Bsn(n)) == "") { line--; continue; }
            people.Add(bsn);
            last[bsn] = line;
            csv.Append($"{bsn};177101{(n % 5000):D10};{(n % 3 == 0 ? "B" : "W")}\n");
        }
        return (csv.ToString(), bad, last, line - 1);
    }

    [Fact]
    public async Task A_large_extract_keeps_delivery_order_quarantine_order_and_last_wins_duplicates()
    {
        var (csv, badLines, lastLineOf, rows) = Extract();
        var built = await TestData.BuildAsync("brp", csv);
        var r = built.Result;

        Assert.Null(r.RejectionReason);
        Assert.Equal(rows, r.RowsRead);
        Assert.Equal(badLines.Count, r.RowsRejected);
        Assert.Equal(badLines, r.Quarantine.Select(q => (int)q.Line)); // one entry per bad row, in file order
        Assert.All(r.Quarantine, q => Assert.Equal("bsn", q.Column));
        Assert.Equal(rows - badLines.Count - lastLineOf.Count, r.RowsDuplicate);

        // The snapshot: exactly the last row of every person, in delivery order.
        var lines = built.Table!.Column("_line").Select(l => int.Parse(l!)).ToList();
        Assert.Equal(lastLineOf.Values.Order().ToList(), lines);
        using var p = new Pseudonymiser(TestData.PseudonymKey, "test-1");
        var byLine = lastLineOf.ToDictionary(kv => kv.Value, kv => kv.Key);
        var pseudonyms = built.Table.Column("bsn");
        for (var i = 0; i < lines.Count; i++) Assert.Equal(p.Pseudonymise(IdKind.Bsn, byLine[lines[i]]), pseudonyms[i]);

        // Each row's envelope opens with its own pseudonym and holds that row's person: every row, since a batch's
        // identifiers are pseudonymised together and its envelopes sealed after (rejected rows in between).
        var envelope = new IdentityEnvelope(TestData.EnvelopeKey, "test-1");
        for (var i = 0; i < lines.Count; i++)
            Assert.Equal(byLine[lines[i]], envelope.Open($"brp|{pseudonyms[i]}", built.Table.Envelope(i)!)["bsn"]);
    }

    /// <summary>The snapshot reader decodes our plain pages itself (PlainPages); every column, keys and strings, nulls
    /// included, reads exactly as Parquet.Net reads it, and a snapshot with dictionary pages (not written by us) still reads.</summary>
    [Fact]
    public async Task Plain_pages_read_as_parquet_net_reads_them()
    {
        var csv = new StringBuilder("bsn;verblijfsobject_id;postcode;huisnummer;functie_adres;geslachtsnaam\n");
        for (var n = 0; n < 20_000; n++)
        {
            var bsn = Bsn(n);
            if (bsn == "") continue;
            // Some rows by address only (null verblijfsobject_id), some by VBO only (null adres), a name with ü.
            csv.Append(n % 5 == 0 ? $"{bsn};;5661AB;{n % 90 + 1};W;Müller\n" : $"{bsn};177101{n % 3000:D10};;;{(n % 7 == 0 ? "B" : "W")};Jansen\n");
        }
        var parquet = new MemoryStream();
        using (var p = new Pseudonymiser(TestData.PseudonymKey, "test-1"))
        {
            var result = await new SnapshotBuilder(Analysis.Extracts.SourceSchema.For("brp"), TestData.DemoRegister(), p,
                new IdentityEnvelope(TestData.EnvelopeKey, "test-1"), new IngestOptions()).BuildAsync(new MemoryStream(Encoding.UTF8.GetBytes(csv.ToString())), "brp.csv", true, ';');
            await using (result.Spool!) await result.Spool!.WriteParquetAsync(parquet);
        }
        var bytes = parquet.ToArray();
        var ours = await SnapshotTable.ReadParquetAsync(new MemoryStream(bytes), withEnvelope: true);
        var keyed = await SnapshotTable.ReadParquetAsync(new MemoryStream(bytes), asKeys: ["verblijfsobject_id", "adres", "bsn"]);
        await using var reader = await Parquet.ParquetReader.CreateAsync(new MemoryStream(bytes));
        Assert.True(reader.RowGroupCount > 1);
        foreach (var field in reader.Schema.GetDataFields().Where(f => f.Name != SnapshotTable.EnvelopeColumn))
        {
            var theirs = new List<string?>();
            for (var g = 0; g < reader.RowGroupCount; g++)
            {
                using var group = reader.OpenRowGroupReader(g);
                var values = new string?[group.RowCount];
                await group.ReadAsync(field, values.AsMemory(), null);
                theirs.AddRange(values);
            }
            Assert.Equal(theirs, ours.Column(field.Name));
            Assert.Equal(theirs, keyed.Column(field.Name));
        }
        Assert.Contains(null, ours.Column("verblijfsobject_id"));
        Assert.Contains(null, ours.Column("adres"));
        Assert.NotNull(keyed.Keys("adres"));

        // A file with dictionary pages (another writer's) is read by Parquet.Net, with the same result.
        var names = ours.ColumnNames.ToList();
        var options = new Parquet.ParquetOptions();
        foreach (var name in names) options.ColumnEncodingHints[name] = Parquet.EncodingHint.Dictionary;
        var fields = names.Select(n => new Parquet.Schema.DataField<string>(n, true)).ToList();
        var dictionary = new MemoryStream();
        await using (var writer = await Parquet.ParquetWriter.CreateAsync(new Parquet.Schema.ParquetSchema(fields), dictionary, options))
        {
            using var group = writer.CreateRowGroup();
            foreach (var f in fields) await group.WriteAsync(f, ours.Column(f.Name).ToArray(), null);
        }
        var fromDictionary = await SnapshotTable.ReadParquetAsync(new MemoryStream(dictionary.ToArray()), asKeys: ["adres"]);
        foreach (var name in names) Assert.Equal(ours.Column(name), fromDictionary.Column(name));
    }

    [Fact]
    public async Task A_snapshot_reads_the_same_in_parallel_and_from_a_stream_read_once()
    {
        var (csv, _, _, _) = Extract();
        var bytes = Encoding.UTF8.GetBytes(csv);
        using var p = new Pseudonymiser(TestData.PseudonymKey, "test-1");
        var builder = new SnapshotBuilder(Analysis.Extracts.SourceSchema.For("brp"), TestData.DemoRegister(), p,
            new IdentityEnvelope(TestData.EnvelopeKey, "test-1"), new IngestOptions());
        var result = await builder.BuildAsync(new MemoryStream(bytes), "brp.csv", true, ';');
        var parquet = new MemoryStream();
        await using (result.Spool!) await result.Spool!.WriteParquetAsync(parquet);

        parquet.Position = 0;
        var parallel = await SnapshotTable.ReadParquetAsync(parquet, withEnvelope: true); // a buffer: row groups side by side
        var once = await SnapshotTable.ReadParquetAsync(new ReadOnce(parquet.ToArray()), withEnvelope: true);
        var some = await SnapshotTable.ReadParquetAsync(new MemoryStream(parquet.ToArray()), ["bsn", "functie_adres"]);

        Assert.True(parallel.RowCount > 2 * SnapshotSpool.ChunkSize);
        Assert.Equal(once.ColumnNames, parallel.ColumnNames);
        foreach (var c in once.ColumnNames) Assert.Equal(once.Column(c), parallel.Column(c));
        for (var i = 0; i < once.RowCount; i += 499) Assert.Equal(once.Envelope(i), parallel.Envelope(i));
        Assert.Equal(["bsn", "functie_adres"], some.ColumnNames);
        Assert.Equal(once.Column("bsn"), some.Column("bsn"));
        Assert.All(some.Column("_line"), Assert.Null); // not read
        Assert.Null(some.Envelope(0));
        // Repeated values share one string: a column of codes costs a few strings, not one per row.
        Assert.Same(parallel.Column("functie_adres")[0], parallel.Column("functie_adres").Last(v => v == parallel.Column("functie_adres")[0]));
    }

    [Fact]
    public void An_envelope_sealed_as_JSON_before_issue_17_still_opens()
    {
        // Format 1: version byte, nonce, tag, AES-GCM over the JSON of the fields.
        var plain = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["bsn"] = "111222333", ["geslachtsnaam"] = "Jansen" });
        var v1 = new byte[29 + plain.Length];
        v1[0] = 1;
        RandomNumberGenerator.Fill(v1.AsSpan(1, 12));
        using (var gcm = new AesGcm(TestData.EnvelopeKey, 16))
            gcm.Encrypt(v1.AsSpan(1, 12), plain, v1.AsSpan(29), v1.AsSpan(13, 16), "brp|P1"u8);
        var envelope = new IdentityEnvelope(TestData.EnvelopeKey, "test-1");

        Assert.Equal("Jansen", envelope.Open("brp|P1", v1)["geslachtsnaam"]);
        var v2 = envelope.Seal("brp|P1", new Dictionary<string, string> { ["bsn"] = "111222333", ["geslachtsnaam"] = "Jansen-de Vries ü" });
        Assert.Equal(2, v2[0]);
        Assert.True(v2.Length < v1.Length + 12); // no JSON punctuation
        Assert.Equal("Jansen-de Vries ü", envelope.Open("brp|P1", v2)["geslachtsnaam"]);
        Assert.Equal("111222333", envelope.Open("brp|P1", v2)["bsn"]);
        Assert.NotEqual(v2.AsSpan(1, 12).ToArray(), envelope.Seal("brp|P1", new Dictionary<string, string> { ["bsn"] = "1" }).AsSpan(1, 12).ToArray());
    }

    /// <summary>The key index (the ingest's duplicates, the link's objects) answers as a dictionary would, through many
    /// growths or presized, for keys alike in their low bits too.</summary>
    [Theory]
    [InlineData(0)]
    [InlineData(300_000)]
    public void The_key_index_answers_as_a_dictionary_would(int capacity)
    {
        var index = new KeyIndex(capacity);
        var reference = new Dictionary<UInt128, int>();
        var random = new Random(17);
        var keys = new List<UInt128>();
        for (var row = 0; row < 200_000; row++)
        {
            UInt128 key = row % 5 == 0 && keys.Count > 0 ? keys[random.Next(keys.Count)]  // a later duplicate
                : row % 7 == 0 ? (UInt128)(ulong)row << 64                                    // low bits all zero
                : new UInt128((ulong)random.NextInt64(), (ulong)random.NextInt64());
            keys.Add(key);
            var expected = reference.TryGetValue(key, out var earlier) ? earlier : -1;
            reference[key] = row;
            Assert.Equal(expected, index.Set(key, row));
        }
        Assert.Equal(reference.Count, index.Count);
        foreach (var key in keys.Take(20_000))
        {
            Assert.True(index.TryGetValue(key, out var value));
            Assert.Equal(reference[key], value);
        }
        Assert.False(index.TryGetValue(new UInt128(1, 2), out var none));
        Assert.Equal(-1, none);
    }

    /// <summary>The link's batched lookup over a key column, and its one-probe get-or-add, agree with single lookups:
    /// rows without a key and keys not in the index give -1.</summary>
    [Fact]
    public void The_key_index_looks_up_a_column_in_batches_as_one_by_one()
    {
        var random = new Random(5);
        string Pseudonym() => $"V{random.NextInt64():x16}{random.NextInt64():x16}";
        var known = Enumerable.Range(0, 5_000).Select(_ => Pseudonym()).ToArray();
        var index = new KeyIndex(known.Length);
        for (var i = 0; i < known.Length; i++)
        {
            Assert.True(Pseudonymiser.TryValue(known[i], out var key));
            Assert.Equal(i, index.GetOrAdd(key, i));
            Assert.Equal(i, index.GetOrAdd(key, 99_999)); // already there: its own value, unchanged
        }
        // 1 003 rows (not a whole number of batches): known keys, unknown keys and rows without a key.
        var column = KeyColumn.Parse(Enumerable.Range(0, 1_003).Select(r => r % 3 == 0 ? null : r % 3 == 1 ? known[random.Next(known.Length)] : Pseudonym()).ToList())!;
        var found = new int[1_000];
        index.Lookup(column, 3, 1_003, found);
        for (var r = 3; r < 1_003; r++)
            Assert.Equal(column.TryGet(r, out var key) && index.TryGetValue(key, out var value) ? value : -1, found[r - 3]);
        Assert.Contains(found, v => v >= 0);
        Assert.Contains(-1, found);
    }

    [Fact]
    public void Pseudonyms_sort_by_their_value_in_exactly_the_ordinal_order()
    {
        using var p = new Pseudonymiser(TestData.PseudonymKey, "test-1");
        var pseudonyms = Enumerable.Range(0, 5_000).Select(i => p.Pseudonymise(IdKind.Verblijfsobject, $"177101{i:D10}")).ToList();
        Assert.Equal(pseudonyms.Order(StringComparer.Ordinal), Analysis.Linking.PseudonymOrder.Sort(pseudonyms));
        // Not all pseudonyms of one kind (or not pseudonyms at all): plain ordinal sorting.
        string[] mixed = [.. pseudonyms.Take(50), "zeta", "Alpha", "b" + new string('F', 32)];
        Assert.Equal(mixed.Order(StringComparer.Ordinal), Analysis.Linking.PseudonymOrder.Sort(mixed));
    }

    static async Task<SnapshotTable> SnapshotAsync(string source, string csv, IReadOnlyCollection<string> columns)
    {
        using var p = new Pseudonymiser(TestData.PseudonymKey, "test-1");
        var result = await new SnapshotBuilder(Analysis.Extracts.SourceSchema.For(source), TestData.DemoRegister(), p,
            new IdentityEnvelope(TestData.EnvelopeKey, "test-1"), new IngestOptions()).BuildAsync(new MemoryStream(Encoding.UTF8.GetBytes(csv)), source + ".csv", true, ';');
        var parquet = new MemoryStream();
        await using (result.Spool!) await result.Spool!.WriteParquetAsync(parquet);
        parquet.Position = 0;
        return await SnapshotTable.ReadParquetAsync(parquet, columns);
    }

    [Fact]
    public async Task A_nightly_without_a_suppression_list_reads_no_resident_pseudonyms_and_links_the_same()
    {
        const string vbo = "1771010000000001";
        var bagCsv = World.Bag((vbo, 40, "woonfunctie"), ("1771010000000002", 80, "kantoorfunctie"));
        var brpCsv = World.BrpHeader + World.Residents(vbo, 5) + World.Residents("1771010000000002", 2) + World.Residents(vbo, 1, "B");
        var bag = await SnapshotAsync("bag", bagCsv, Analysis.Linking.LinkedWorld.ColumnsRead("bag"));
        var withPersons = await SnapshotAsync("brp", brpCsv, Analysis.Linking.LinkedWorld.ColumnsRead("brp", suppressing: true));
        var without = await SnapshotAsync("brp", brpCsv, Analysis.Linking.LinkedWorld.ColumnsRead("brp", suppressing: false));
        Assert.Contains("bsn", withPersons.ColumnNames);
        Assert.DoesNotContain("bsn", without.ColumnNames);

        var territory = new HashSet<string> { "1771" };
        var a = Analysis.Linking.LinkedWorld.Build(new Dictionary<string, SnapshotTable> { ["bag"] = bag, ["brp"] = withPersons }, territory);
        var b = Analysis.Linking.LinkedWorld.Build(new Dictionary<string, SnapshotTable> { ["bag"] = bag, ["brp"] = without }, territory);
        static IEnumerable<(string, int, int)> PerObject(Analysis.Linking.LinkedWorld w) => w.Objects.Select((o, v) => (o.Id, w.RegistrationsAt(v).Count, w.RegistrationsAt(v).Count(x => x.FunctieAdres == "W")));
        Assert.Equal(PerObject(a), PerObject(b));
        Assert.Equal(8, b.Objects.Select((_, v) => b.RegistrationsAt(v).Count).Sum());

        // With a suppression list the persons are needed: read without them, the link refuses rather than let anyone through.
        var oneSuppressed = new HashSet<string> { SuppressionKey.For(withPersons.Column("bsn")[0]!) };
        Assert.Throws<InvalidOperationException>(() => Analysis.Linking.LinkedWorld.Build(new Dictionary<string, SnapshotTable> { ["bag"] = bag, ["brp"] = without }, territory, oneSuppressed));
        var suppressed = Analysis.Linking.LinkedWorld.Build(new Dictionary<string, SnapshotTable> { ["bag"] = bag, ["brp"] = withPersons }, territory, oneSuppressed);
        Assert.Equal(7, suppressed.Objects.Select((_, v) => suppressed.RegistrationsAt(v).Count).Sum());
        Assert.Equal(1, suppressed.SuppressedRows);
    }

    [Fact]
    public async Task An_empty_snapshot_links_to_nothing()
    {
        var bag = await SnapshotAsync("bag", World.Bag(("1771010000000001", 40, "woonfunctie")), Analysis.Linking.LinkedWorld.ColumnsRead("bag"));
        // A BRP snapshot with no rows left (as after an erasure of everyone in it).
        var parquet = new MemoryStream();
        await using (var spool = new SnapshotSpool(Analysis.Linking.LinkedWorld.ColumnsRead("brp").ToList())) await spool.WriteParquetAsync(parquet);
        parquet.Position = 0;
        var empty = await SnapshotTable.ReadParquetAsync(parquet);
        Assert.Equal(0, empty.RowCount);
        var world = Analysis.Linking.LinkedWorld.Build(new Dictionary<string, SnapshotTable> { ["bag"] = bag, ["brp"] = empty }, new HashSet<string> { "1771" });
        Assert.Single(world.Objects);
        Assert.Equal(0, world.RegistrationsAt(0).Count);
    }

    /// <summary>A stream that can be read but not opened again (as a network stream): the reader falls back to one pass.</summary>
    sealed class ReadOnce(byte[] bytes) : MemoryStream(bytes, writable: false)
    {
        public override bool TryGetBuffer(out ArraySegment<byte> buffer) { buffer = default; return false; }
    }
}
