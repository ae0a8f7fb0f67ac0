using System.Text;
using Azure.Storage.Blobs.Specialized;
using SignalPipeline.Analysis.Privacy;
using SignalPipeline.Functions.Storage;
using SignalPipeline.Functions.Cli;
using SignalPipeline.Tests.Infrastructure;

namespace SignalPipeline.Tests.Security;

/// <summary>The audit log's hash chain and <c>audit verify</c>; data-subject requests audited by subject, reports
/// that hold only the subject's data, erasure of signals that rest on the person alone; one reason rule for CLI and UI.</summary>
public sealed class AuditAndSubjectTests
{
    static async Task<PipelineUnderTest> DemoAsync()
    {
        var p = new PipelineUnderTest();
        var r = await p.Cli("demo", "--no-serve", "--date", "2026-11-06");
        Assert.True(r.Code == 0, r.Out + r.Err);
        return p;
    }

    [Fact]
    public async Task Audit_verify_finds_the_first_changed_or_removed_entry()
    {
        using var p = await DemoAsync();
        var storage = new StorageClients(p.Azurite.ConnectionString, null);
        var audit = new AuditLog(storage);
        for (var i = 0; i < 5; i++) await audit.WriteAsync(new AuditEntry(DateTimeOffset.UtcNow, "coord", "coordinator", "view", $"OVB-{i}", null, null));
        // Writers at once never fork the chain.
        await Task.WhenAll(Enumerable.Range(0, 8).Select(i => audit.WriteAsync(new AuditEntry(DateTimeOffset.UtcNow, "coord", "coordinator", "view", $"NWF-{i}", null, null))));
        var ok = await p.Cli("audit", "verify");
        Assert.True(ok.Code == 0, ok.Out + ok.Err);
        Assert.Matches(@"audit log intact: \d+ entries", ok.Out);
        var entries = await audit.ReadAllAsync();
        Assert.Equal(Enumerable.Range(1, entries.Count).Select(i => (long)i), entries.Select(e => e.Seq));

        var blob = storage.Container(StorageClients.Audit).GetBlobClient("chain-000001.jsonl");
        var original = (await blob.DownloadContentAsync()).Value.Content.ToString();
        async Task Rewrite(string text)
        {
            await blob.DeleteAsync();
            var append = storage.Container(StorageClients.Audit).GetAppendBlobClient("chain-000001.jsonl");
            await append.CreateAsync();
            await append.AppendBlockAsync(new MemoryStream(Encoding.UTF8.GetBytes(text)));
        }
        var lines = original.TrimEnd('\n').Split('\n');

        // Someone with storage access rewrites an entry's reason (in Azure the locked policy forbids even that).
        Assert.Contains("\"action\":\"", lines[3]);
        await Rewrite(string.Join('\n', lines.Select((l, i) => i == 3 ? l.Replace("\"action\":\"", "\"action\":\"niet-") : l)) + "\n");
        var changed = await p.Cli("audit", "verify");
        Assert.Equal(3, changed.Code);
        Assert.Contains("entry 4 (chain-000001.jsonl, line 4) was changed after it was written", changed.Err);
        Assert.Contains("3 entries chain from the first", changed.Out);

        // ... or removes one.
        await Rewrite(string.Join('\n', lines.Where((_, i) => i != 2)) + "\n");
        var removed = await p.Cli("audit", "verify");
        Assert.Equal(3, removed.Code);
        Assert.Contains("entry 3", removed.Err);
        Assert.Contains("an entry was removed or inserted", removed.Err);

        // The reviewer sees the chain's state on the runs page.
        await Rewrite(original);
        using var program = new ProgramProcess(p.Settings);
        using var http = new HttpClient { BaseAddress = program.BaseAddress };
        http.DefaultRequestHeaders.Add("X-MS-CLIENT-PRINCIPAL", Functions.Review.Principal.Encode("rev", Functions.Review.Principal.DpiaReviewer));
        Assert.Contains("de hashketen is intact", await http.GetStringAsync("/review/runs"));
        await Rewrite(string.Join('\n', lines.Where((_, i) => i != 2)) + "\n");
        Assert.Contains("VERBROKEN", await http.GetStringAsync("/review/runs"));
    }

    [Fact]
    public async Task Subject_requests_are_audited_by_subject_and_reports_hold_only_that_persons_data()
    {
        using var p = await DemoAsync();
        var storage = new StorageClients(p.Azurite.ConnectionString, null);
        // A BIB signal names a company; the resident of VBO 0 is one of 7 persons in an OVB signal.
        var brp = File.ReadLines(Path.Combine(p.Dir.Path, "demo-extracts", "brp", "2026-11-06", "brp-2026-11-06.csv")).ToList();
        var header = brp[0].Split(';').ToList();
        var bsn = brp[1].Split(';')[header.IndexOf("bsn")];
        var find = await p.Cli("subject", "find", "--bsn", bsn, "--reason", "Inzageverzoek 2026-050 van betrokkene", "--out", p.Dir.File("rapport.html"));
        Assert.True(find.Code == 0, find.Out + find.Err);
        var entry = (await new AuditLog(storage).ReadAllAsync()).Single(e => e.Action == "subject-request");
        Assert.Equal("Inzageverzoek 2026-050 van betrokkene", entry.Reason);
        Assert.Equal(Environment.UserName, entry.Actor);
        Assert.StartsWith("S", entry.Subject); // the audit pseudonym: no snapshot, signal or run carries it
        Assert.DoesNotContain(bsn, entry.Subject);

        var report = await File.ReadAllTextAsync(p.Dir.File("rapport.html"));
        Assert.Contains("id=\"masking\"", report);
        Assert.DoesNotContain(Environment.UserName, report); // officials by role
        Assert.DoesNotContain("Inzageverzoek 2026-050", report); // officials' reasons left out
        var keys = await new DevKeyFileProvider(p.Settings["SignalPipeline:DevKeyFile"]!, TextWriter.Null).GetAsync();
        using var pseudonymiser = new Pseudonymiser(keys.PseudonymKey, keys.PseudonymKeyVersion);
        foreach (var other in brp.Skip(2).Take(50).Select(l => l.Split(';')[header.IndexOf("bsn")]).Where(b => Analysis.Extracts.Identifiers.TryBsn(b, out _, out _)))
            Assert.DoesNotContain(pseudonymiser.Pseudonymise(IdKind.Bsn, other), report); // nobody else's pseudonym
    }

    [Fact]
    public async Task Erasure_deletes_a_signal_that_rests_on_the_erased_person_alone()
    {
        using var p = await DemoAsync();
        var storage = new StorageClients(p.Azurite.ConnectionString, null);
        var register = new CandidateRegister(storage);
        // The demo's BRP row at a verblijfsobject BAG does not know raises ONG with one registration: that person alone.
        var bagIds = File.ReadLines(Path.Combine(p.Dir.Path, "demo-extracts", "bag", "2026-11-06", "bag-2026-11-06.csv")).Skip(1).Select(l => l.Split(';')[0]).ToHashSet();
        var brp = File.ReadLines(Path.Combine(p.Dir.Path, "demo-extracts", "brp", "2026-11-06", "brp-2026-11-06.csv")).ToList();
        var header = brp[0].Split(';').ToList();
        var alone = brp.Skip(1).Select(l => l.Split(';')).First(c => c[header.IndexOf("verblijfsobject_id")] is { Length: 16 } v && !bagIds.Contains(v));
        var before = await register.ListAsync();
        var ong = before.Where(s => s.Model == "ONG").ToList();
        Assert.Equal(2, ong.Count);

        var erase = await p.Cli("subject", "erase", "--bsn", alone[header.IndexOf("bsn")], "--reason", "Wissingsverzoek 2026-051 toegewezen");
        Assert.True(erase.Code == 0, erase.Out + erase.Err);
        var after = await register.ListAsync();
        Assert.Single(after, s => s.Model == "ONG"); // the other ONG signal (two residents at a withdrawn VBO) stays
        Assert.Equal(before.Count - 1, after.Count);
        Assert.Contains("1 deleted", erase.Out);
    }

    [Fact]
    public async Task One_reason_rule_for_the_command_line_and_the_UI()
    {
        using var p = await DemoAsync();
        foreach (var reason in new[] { "x", "          ", "1234567890", "....!!!!...." })
        {
            Assert.False(WrittenReason.IsAcceptable(reason));
            var r = await p.Cli("signals", "export", "--reveal", "--reason", reason);
            Assert.Equal(1, r.Code);
            Assert.Contains("written reason of at least 10 characters", r.Err);
        }
        Assert.True(WrittenReason.IsAcceptable("Zaak 2026-14: verificatie adres"));
        Assert.Equal(0, (await p.Cli("signals", "export", "--reveal", "--reason", "Zaak 2026-14: verificatie adres")).Code);
        Assert.Contains($"minstens {WrittenReason.MinLength} tekens", Functions.Review.ActionEndpoints.ReasonProblem("x"));
    }
}
