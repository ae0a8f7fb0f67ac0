using Microsoft.Extensions.Configuration;
using SignalPipeline.Analysis.Privacy;
using SignalPipeline.Analysis.Snapshots;
using SignalPipeline.Functions;
using SignalPipeline.Functions.Storage;
using SignalPipeline.Functions.Cli;
using Microsoft.Extensions.Time.Testing;
using SignalPipeline.Tests.Infrastructure;
using SignalPipeline.Functions.Composition;
using SignalPipeline.Functions.Configuration;

namespace SignalPipeline.Tests.Integration;

/// <summary>Set-up shared by scenarios on Azurite that need a controllable clock.</summary>
public abstract class StorageScenario(AzuriteFixture azurite) : IDisposable
{
    protected readonly TempDir dir = new();

    protected AppServices Services(TimeProvider clock)
    {
        var settings = PipelineSettings.From(new ConfigurationBuilder().AddInMemoryCollection(azurite.Settings(dir.Path)).Build());
        var storage = new StorageClients(azurite.ConnectionString, null);
        storage.EnsureCreatedAsync().GetAwaiter().GetResult();
        return new AppServices { Settings = settings, Storage = storage, Keys = new DevKeyFileProvider(azurite.KeyFile, TextWriter.Null), Clock = clock };
    }

    protected static async Task IngestAndRun(AppServices s, IEnumerable<string> files, DateOnly date)
    {
        foreach (var f in files)
        {
            var source = Path.GetFileName(Path.GetDirectoryName(Path.GetDirectoryName(f)))!;
            var outcome = await s.Ingest.IngestBlobAsync(await s.Ingest.DeliverAsync(f, source, date.ToString("yyyy-MM-dd")));
            Assert.Equal("accepted", outcome.Outcome);
        }
        await s.Nightly.RunAsync(date, "test", TextWriter.Null);
        await s.Intake.DrainAsync(TextWriter.Null);
    }

    public void Dispose() => dir.Dispose();
}

/// <summary>Issue 9: retention terms with a controllable clock (protocol art. 12).</summary>
public sealed class RetentionTests(AzuriteFixture azurite) : StorageScenario(azurite), IClassFixture<AzuriteFixture>
{
    [Fact]
    public async Task Stopped_taken_further_and_undecided_signals_follow_their_terms_and_nothing_goes_early()
    {
        var t0 = new DateTimeOffset(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);
        var clock = new FakeTimeProvider(t0);
        var s = Services(clock);
        await IngestAndRun(s, SampleExtracts.Write(Path.Combine(dir.Path, "x"), DateOnly.FromDateTime(t0.UtcDateTime), new SampleOptions()), DateOnly.FromDateTime(t0.UtcDateTime));
        var ovb = (await s.Register.ListAsync()).Where(c => c.Model == "OVB").Select(c => c.SignalId).Order().ToList();
        var (stopped, furtherA, furtherB, undecided) = (ovb[0], ovb[1], ovb[2], ovb[3]);
        Assert.Equal(Functions.Storage.DecideResult.Done, await s.Register.DecideAsync(stopped, Analysis.Signals.ReviewState.Dismissed, "Geen aanwijzingen na navraag", "coord"));
        Assert.Equal(Functions.Storage.DecideResult.Done, await s.Register.DecideAsync(furtherA, Analysis.Signals.ReviewState.Registered, "Naar casusoverleg fase 1", "coord"));
        Assert.Equal(Functions.Storage.DecideResult.Done, await s.Register.DecideAsync(furtherB, Analysis.Signals.ReviewState.Registered, "Naar casusoverleg fase 1", "coord"));
        var total = (await s.Register.ListAsync()).Count;

        async Task<Dictionary<string, Analysis.Signals.SignalState>> At(int days)
        {
            clock.SetUtcNow(t0.AddDays(days));
            await s.Retention.RunAsync();
            return (await s.Register.ListAsync()).ToDictionary(c => c.SignalId);
        }

        // Undecided: open for 89 days, expired on day 90 into the non-active environment.
        var day89 = await At(89);
        Assert.Equal(total, day89.Count);
        Assert.Equal(Analysis.Signals.ReviewState.Open, day89[undecided].Review);
        Assert.True(day89[undecided].IsActive);
        var day91 = await At(91);
        Assert.Equal(Analysis.Signals.ReviewState.Expired, day91[undecided].Review);
        Assert.False(day91[undecided].IsActive);
        Assert.True(day91[furtherA].IsActive);                     // a decision is no longer undecided

        // Taken further: the case runs, so the signal stays, however long; an end result starts its year.
        Assert.True(await s.Register.RecordEndResultAsync(furtherB, "Proces beëindigd: geen overtreding vastgesteld", "coord"));
        Assert.False(await s.Register.RecordEndResultAsync(furtherB, "Tweede keer", "coord")); // once
        var day396 = await At(365 + 31);
        Assert.False(day396.ContainsKey(stopped));                 // stopped: gone within a month after the year
        Assert.True(day396.ContainsKey(furtherA));                 // no end result: its case is still running
        Assert.True(day396.ContainsKey(furtherB));                 // end result on day 91: kept until day 456
        Assert.True(day396.ContainsKey(undecided));                // expired on day 91: in the non-active environment for a year
        var day470 = await At(91 + 365 + 14);
        Assert.False(day470.ContainsKey(furtherB));
        Assert.False(day470.ContainsKey(undecided));
        Assert.True(day470.ContainsKey(furtherA));
        Assert.Empty(await s.Register.HistoryAsync(stopped));

        // The runs' signal files follow the signals: no entry of a deleted signal is left.
        var runEntries = (await s.Runs.GetSignalsAsync((await s.Runs.LatestIdAsync())!)).Select(r => r.Signal.SignalId).ToHashSet();
        foreach (var gone in new[] { stopped, furtherB, undecided }) Assert.DoesNotContain(gone, runEntries);
        Assert.Contains(furtherA, runEntries);

        var audit = new List<AuditEntry>();
        foreach (var d in new[] { 91, 396, 470 }) audit.AddRange(await s.Audit.ReadDayAsync(DateOnly.FromDateTime(t0.AddDays(d).UtcDateTime)));
        Assert.Single(audit, a => a.Action == "retention-delete" && a.SignalId == stopped && a.Detail!.Contains("niet-actief"));
        Assert.Single(audit, a => a.Action == "retention-delete" && a.SignalId == furtherB && a.Detail!.Contains("eindresultaat"));
        Assert.Contains(audit, a => a.Action == "retention-run" && a.Detail!.Contains("undecided candidates expired"));
        Assert.DoesNotContain(audit, a => a.Detail?.Contains("Proces beëindigd") == true); // counts and ids, never content
        // Snapshots that retained signals need are kept.
        Assert.NotNull(await s.Snapshots.LatestAsync("brp", DateOnly.MaxValue));
    }

}

/// <summary>Issue 9: data-subject requests (protocol art. 14): find, report, erase.</summary>
public sealed class SubjectRequestTests(AzuriteFixture azurite) : StorageScenario(azurite), IClassFixture<AzuriteFixture>
{
    [Fact]
    public async Task A_subject_request_finds_exactly_their_signals_and_erasure_removes_them_everywhere()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 6, 1, 9, 0, 0, TimeSpan.Zero));
        var s = Services(clock);
        var date = "2026-06-01";
        var root = Path.Combine(dir.Path, "subject");
        var person = Analysis.Extracts.Identifiers.SampleBsn(new Random(4242), []);
        var other = Analysis.Extracts.Identifiers.SampleBsn(new Random(4343), []);
        string V(int i) => $"1771010000{i:D6}";
        var files = new[]
        {
            SampleExtracts.WriteCsv(root, "bag", date, ';', ["verblijfsobject_id", "postcode", "huisnummer", "gebruiksdoelen", "oppervlakte", "status"],
                Enumerable.Range(1, 3).Select(i => new[] { V(i), "5661AB", i.ToString(), "woonfunctie", "90", "Verblijfsobject in gebruik" })),
            SampleExtracts.WriteCsv(root, "brp", date, ';', ["bsn", "geslachtsnaam", "verblijfsobject_id", "functie_adres"],
                [[person, "Verzoeker", V(1), "W"], [other, "Ander", V(2), "W"]]),
            SampleExtracts.WriteCsv(root, "permits", date, ';', ["zaak_id", "zaaktype", "status", "datum_aanvraag", "aanvrager_bsn", "verblijfsobject_id"],
                [["Z-1", "exploitatievergunning_horeca", "aangevraagd", "2026-05-01", person, V(2)], ["Z-2", "alcoholwetvergunning", "aangevraagd", "2026-05-02", person, V(3)], ["Z-3", "omgevingsvergunning", "aangevraagd", "2026-05-03", other, V(3)]]),
            SampleExtracts.WriteCsv(root, "enforcement", date, ';', ["zaak_id", "handhavingstype", "status", "datum_start", "betrokkene_bsn", "verblijfsobject_id"],
                [["H-1", "last_onder_dwangsom", "open", "2025-01-01", person, V(1)]]),
        };
        await IngestAndRun(s, files, DateOnly.Parse(date));
        var bib = (await s.Register.ListAsync()).Where(c => c.Model == "BIB").ToList();
        Assert.Equal(2, bib.Count);
        await s.Audit.WriteAsync(new AuditEntry(clock.GetUtcNow(), "coord", "coordinator", "view", bib[0].SignalId, null, null));

        Assert.Throws<ArgumentException>(() => s.Subjects.FindAsync(person, "kort", "coord").GetAwaiter().GetResult());
        var report = await s.Subjects.FindAsync(person, "Inzageverzoek 2026-031 van betrokkene", "coord");
        Assert.Equal(bib.Select(b => b.SignalId).Order(), report.Signals.Select(c => c.SignalId).Order());
        Assert.Equal(["brp", "enforcement", "permits", "permits"], report.Rows.Select(r => r.Source).Order());
        Assert.Contains(report.Audit, a => a.Action == "view" && a.SignalId == bib[0].SignalId);
        var html = await Functions.Review.Pages.Documents.SubjectReportAsync(report, clock.GetUtcNow());
        Assert.Contains("Inzageverzoek", html);
        Assert.DoesNotContain(person, html);
        // What art. 15 AVG asks: purpose and legal basis of the model that raised a signal, its logic, recipients, retention.
        var bibApproval = Analysis.Register.DpiaRegister.Load(TestData.RegisterPath).Find("BIB")!;
        Assert.Contains(bibApproval.Purpose, System.Net.WebUtility.HtmlDecode(html));
        Assert.Contains(bibApproval.LegalBasis, System.Net.WebUtility.HtmlDecode(html));
        Assert.Contains("id=\"subject-purposes\"", html);
        Assert.Contains("id=\"subject-recipients\"", html);
        Assert.Contains("90 dagen", System.Net.WebUtility.HtmlDecode(html));

        Assert.Equal(2, await s.Subjects.RectifyAsync(person, "Rectificatie 2026-031: adres gecorrigeerd in BRP", "coord"));
        Assert.Contains(await s.Register.HistoryAsync(bib[1].SignalId), h => h.Event == "rectificatie" && h.Detail == "Rectificatie 2026-031: adres gecorrigeerd in BRP");

        var erased = await s.Subjects.EraseAsync(person, "Wissingsverzoek 2026-032 toegewezen", "coord");
        Assert.Equal(4, erased.SnapshotRows);
        var after = await s.Subjects.FindAsync(person, "Controle na wissing 2026-032", "coord");
        Assert.Empty(after.Signals);
        Assert.Empty(after.Rows);

        // The person's pseudonym is nowhere in storage, and no envelope opens to their BSN.
        var keys = await s.Keys.GetAsync();
        using var pseudonymiser = new Pseudonymiser(keys.PseudonymKey, keys.PseudonymKeyVersion);
        var pseudonym = pseudonymiser.Pseudonymise(IdKind.Bsn, person);
        foreach (var (where, text) in await StorageScan.AllTextAsync(s.Storage))
            Assert.False(text.Contains(pseudonym) || text.Contains(person), $"person still in {where}");
        var envelope = new IdentityEnvelope(keys.EnvelopeKey, keys.EnvelopeKeyVersion);
        foreach (var source in new[] { "brp", "permits", "enforcement" })
        {
            var m = (await s.Snapshots.LatestAsync(source, DateOnly.MaxValue))!;
            Assert.True(m.RowsErased > 0);
            var t = await s.Snapshots.LoadAsync(m, withEnvelope: true);
            var key = source == "brp" ? "bsn" : "zaak_id";
            for (var i = 0; i < t.RowCount; i++)
                Assert.DoesNotContain(person, envelope.Open($"{source}|{t.Column(key)[i]}", t.Envelope(i)!).Values);
        }
        var today = await s.Audit.ReadDayAsync(DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime));
        Assert.Single(today, a => a.Action == "erasure" && a.Reason == "Wissingsverzoek 2026-032 toegewezen");
        Assert.Equal(3, today.Count(a => a.Action == "subject-request")); // find, rectify's look-up, find after erasure; the refused one left none
        Assert.Single(today, a => a.Action == "rectification");
    }

}
