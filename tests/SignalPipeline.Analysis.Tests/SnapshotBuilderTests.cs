using System.Text;
using SignalPipeline.Analysis.Snapshots;
using SignalPipeline.Tests.Infrastructure;

namespace SignalPipeline.Tests.Unit;

public class SnapshotBuilderTests
{
    const string BrpHeader = "bsn;geslachtsnaam;verblijfsobject_id;functie_adres;nationaliteit";

    static string Brp(params string[] rows) => BrpHeader + "\n" + string.Join("\n", rows) + "\n";

    [Fact]
    public async Task Banned_column_is_discarded_and_named()
    {
        var r = await TestData.BuildAsync("brp", Brp("111222333;Jansen;1771010000000001;W;Poolse"));
        Assert.NotNull(r.Table);
        Assert.Contains(r.ColumnsDiscarded, d => d.Name == "nationaliteit" && d.Reason.Contains("never permitted"));
        Assert.DoesNotContain("nationaliteit", r.Table!.ColumnNames);
        Assert.DoesNotContain("geslachtsnaam", r.Table.ColumnNames); // envelope only
        Assert.DoesNotContain(r.Table.ColumnNames.SelectMany(c => r.Table.Column(c)), v => v is "Poolse" or "Jansen" or "111222333" or "1771010000000001");
    }

    [Fact]
    public async Task Header_is_matched_case_insensitively_with_spaces_and_bom_and_comma()
    {
        var r = await TestData.BuildAsync("brp", "\uFEFF BSN , Functie_Adres ,VERBLIJFSOBJECT_ID\n111222333,w,1771010000000001\n");
        Assert.Null(r.RejectionReason);
        Assert.Equal("W", r.Table!.Column("functie_adres")[0]);
    }

    [Fact]
    public async Task Missing_required_column_rejects_the_file()
    {
        var r = await TestData.BuildAsync("brp", "bsn;verblijfsobject_id\n111222333;1771010000000001\n");
        Assert.Null(r.Table);
        Assert.Contains("functie_adres", r.RejectionReason);
    }

    [Fact]
    public async Task Invalid_rows_are_quarantined_with_line_and_column_but_no_value()
    {
        var rows = Enumerable.Range(0, 40).Select(i => $"{Analysis.Extracts.Identifiers.SampleBsn(new Random(i), [])};X;1771010000000001;W;").ToList();
        rows.Insert(5, "123456781;Y;1771010000000001;W;"); // 11-proef fails, line 7
        var r = await TestData.BuildAsync("brp", Brp([.. rows]));
        Assert.NotNull(r.Table);
        var q = Assert.Single(r.Quarantine);
        Assert.Equal(7, q.Line);
        Assert.Equal("bsn", q.Column);
        Assert.Contains("11-proef", q.Reason);
        Assert.DoesNotContain("123456781", q.Reason);
        Assert.Equal(1, r.RowsRejected);
    }

    [Fact]
    public async Task More_than_five_percent_rejected_rejects_the_file()
    {
        var rows = Enumerable.Range(0, 18).Select(i => $"{Analysis.Extracts.Identifiers.SampleBsn(new Random(i), [])};X;1771010000000001;W;").ToList();
        rows.Add("123456781;Y;1771010000000001;W;");
        rows.Add("123456781;Y;1771010000000001;Q;");
        var r = await TestData.BuildAsync("brp", Brp([.. rows]));
        Assert.Null(r.Table);
        Assert.Contains("2 of 20 rows", r.RejectionReason);
    }

    [Fact]
    public async Task Duplicate_key_last_occurrence_wins()
    {
        var r = await TestData.BuildAsync("brp", Brp("111222333;A;1771010000000001;W;", "111222333;B;1771010000000002;B;"));
        Assert.Equal(1, r.RowsDuplicate);
        Assert.Equal(1, r.Table!.RowCount);
        Assert.Equal("B", r.Table.Column("functie_adres")[0]);
    }

    [Fact]
    public async Task Spool_spans_chunks_and_drops_duplicates_across_them()
    {
        var n = SnapshotSpool.ChunkSize + 10;
        var used = new HashSet<string>();
        var rnd = new Random(3);
        var bsns = Enumerable.Range(0, n).Select(_ => Analysis.Extracts.Identifiers.SampleBsn(rnd, used)).ToList();
        // The first row's person appears again at the very end, in the second chunk, moved and now a postal
        // registration: the last occurrence wins, and the PC4 resident count follows it.
        var csv = "bsn;verblijfsobject_id;postcode;huisnummer;functie_adres\n" +
                  string.Concat(bsns.Select(b => $"{b};1771010000000001;5661AB;1;W\n")) + $"{bsns[0]};1771010000000002;5662AB;2;B\n";
        var r = await TestData.BuildAsync("brp", csv);
        Assert.Equal(1, r.RowsDuplicate);
        Assert.Equal(n, r.Table!.RowCount);
        Assert.Equal("B", r.Table.Column("functie_adres")[^1]);
        Assert.Equal(n - 1, r.Result.ResidentsPerPc4["5661"]);
        Assert.False(r.Result.ResidentsPerPc4.ContainsKey("5662"));
    }

    [Fact]
    public async Task Windows1252_is_accepted_and_detected()
    {
        var csv = Brp("111222333;Müller-Ødegård;1771010000000001;W;");
        var bytes = Encoding.Latin1.GetBytes(csv);
        var probe = await ExtractProbe.ProbeAsync(new MemoryStream(bytes), false);
        Assert.False(probe.IsUtf8);
        var r = await TestData.BuildAsync("brp", csv, encoding: Encoding.Latin1);
        Assert.NotNull(r.Table);
    }

    [Fact]
    public async Task Row_without_location_is_rejected()
    {
        var r = await TestData.BuildAsync("brp", "bsn;functie_adres;postcode;huisnummer\n111222333;W;;\n123456782;W;1234AB;\n");
        Assert.Contains(r.Quarantine, q => q.Line == 2 && q.Reason.Contains("neither"));
        Assert.Contains(r.Quarantine, q => q.Line == 3 && q.Column == "huisnummer");
    }

    [Fact]
    public async Task Parquet_round_trip_keeps_live_rows_and_envelopes()
    {
        var r = await TestData.BuildAsync("brp", Brp("111222333;A;1771010000000001;W;", "123456782;B;1771010000000002;B;", "111222333;C;1771010000000003;W;"));
        var back = r.Table!;
        Assert.Equal(2, back.RowCount);
        Assert.All(Enumerable.Range(0, 2), i => Assert.NotNull(back.Envelope(i)));
        Assert.Equal(new[] { "B", "W" }, back.Column("functie_adres").Order().Select(v => v!).ToArray());
    }
}
