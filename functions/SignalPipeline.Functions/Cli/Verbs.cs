using SignalPipeline.Analysis.Extracts;
using SignalPipeline.Analysis.Runs;
using SignalPipeline.Functions.Pipeline;
using SignalPipeline.Functions.Composition;
using SignalPipeline.Functions.Hosting;

namespace SignalPipeline.Functions.Cli;

/// <summary>One method per verb: parse options, call the same services the functions use, print.</summary>
public static class Verbs
{
    /// <summary>Delivers every file first, then ingests each, so files that arrive together are seen together (two
    /// different files for one source and date are rejected as ambiguous). Files outside the layout are reported as
    /// rejected, never skipped silently.</summary>
    public static async Task<int> IngestAsync(AppServices s, IEnumerable<string> paths, string? source, DateOnly? date, TextWriter output)
    {
        var (files, outside) = ExtractFiles.Resolve(paths, source, date);
        foreach (var path in outside) output.WriteLine($"{path}: rejected; not in the delivery layout {{brp|bag|permits|enforcement}}/{{yyyy-MM-dd}}/{{name}} (.csv, .xml, .json, .jsonl or .zip) — not ingested");
        if (files.Count == 0 && outside.Count == 0) throw new CliException("ingest: no extract files found (expected <root>/{source}/{yyyy-MM-dd}/{files}, or a file with --source and --date)");
        var anyRejected = outside.Count > 0;
        // v1 CSV files one by one, as in v1; a folder with a real format (XML, JSON, zip) as one delivery, completed by _READY.
        foreach (var group in files.GroupBy(f => (f.Date, f.Source)))
        {
            var blobs = new List<(ExtractFile File, string Blob)>();
            foreach (var f in group) blobs.Add((f, await s.Ingest.DeliverAsync(f.Path, f.Source, f.Date, default, f.DeliveryName)));
            if (group.All(f => Analysis.Formats.DeliveryFile.IsCsvName(f.Path) && !f.DeliveryName.Contains('/'))) anyRejected |= await IngestFilesAsync(s, blobs, output);
            else
            {
                if (blobs.Count > 1) await s.Ingest.MarkReadyAsync(group.Key.Source, group.Key.Date);
                var outcome = await IngestOneAsync(s, group.Key.Source, group.Key.Date, blobs.Count > 1 ? $"{group.Key.Source}/{group.Key.Date}/{Pipeline.IngestService.ReadyMarker}" : blobs[0].Blob, output);
                anyRejected |= outcome.IsFailure;
                Print(output, group.Key.Source, group.Key.Date, outcome.Manifest?.FileName ?? $"{blobs.Count} files", outcome, blobs.Sum(b => new FileInfo(b.File.Path).Length));
            }
        }
        return anyRejected ? 2 : 0;
    }

    /// <summary>Delivers every file first, then ingests each, so files that arrive together are seen together (two
    /// different files for one source and date are rejected as ambiguous).</summary>
    static async Task<bool> IngestFilesAsync(AppServices s, List<(ExtractFile File, string Blob)> blobs, TextWriter output)
    {
        var anyRejected = false;
        var decided = new Dictionary<string, IngestOutcome>(StringComparer.Ordinal);
        foreach (var (f, blob) in blobs)
        {
            if (!decided.TryGetValue(blob, out var outcome))
            {
                outcome = await IngestOneAsync(s, f.Source, f.Date, blob, output);
                foreach (var other in outcome.Together) decided[other.BlobName] = other;
            }
            anyRejected |= outcome.IsFailure;
            Print(output, f.Source, f.Date, Path.GetFileName(f.Path), outcome, new FileInfo(f.Path).Length);
        }
        return anyRejected;
    }

    static Task<IngestOutcome> IngestOneAsync(AppServices s, string source, string date, string blob, TextWriter output) => Terminal(output)
        ? WithProgressBarAsync($"{source} {date}", 100, update => s.Ingest.IngestBlobAsync(blob, p => update(Percent(p), $"{source} {date}: {p.Rows:N0} rows")))
        : s.Ingest.IngestBlobAsync(blob, p => output.WriteLine(p.Bytes > 0 ? $"  {source} {date}: {p.Rows:N0} rows read ({Percent(p)}% of the file) …" : $"  {source} {date}: {p.Rows:N0} rows read …"));

    /// <summary>One line per file or delivery: outcome, format, counts, skipped rows by reason, discarded columns.</summary>
    static void Print(TextWriter output, string source, string date, string name, IngestOutcome outcome, long size)
    {
        var m = outcome.Manifest;
        output.WriteLine($"{source} {date} {name}: {outcome.Outcome}" +
            (m is null ? "" : $" ({m.Format}); rows read {m.RowsRead}, accepted {m.RowsAccepted}, rejected {m.RowsRejected}, duplicate {m.RowsDuplicate}" +
                (m.RowsSkipped is { Count: > 0 } skipped ? $", skipped {skipped.Values.Sum()} ({string.Join(", ", skipped.Select(k => $"{k.Key}: {k.Value}"))})" : "") +
                (m.Peildatum is { } p && p != m.Date ? $"; peildatum {p}" : "") +
                $"; columns discarded: {(m.ColumnsDiscarded.Count == 0 ? "none" : string.Join(", ", m.ColumnsDiscarded.Select(d => $"{d.Name} ({d.Reason})")))}") +
            (outcome.Message is null ? "" : $"; {outcome.Message}") + (size > 50_000_000 ? $" [{size / 1_000_000} MB]" : ""));
    }

    /// <summary>Progress on a terminal is a bar; in a log (redirected output, tests, the Functions host) it is lines.</summary>
    static bool Terminal(TextWriter output) => ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected;

    static long Percent(IngestProgress p) => p.Bytes > 0 ? Math.Min(100, p.BytesRead * 100 / p.Bytes) : 0;

    /// <summary>Runs <paramref name="work"/> under a Spectre.Console progress bar of <paramref name="max"/> steps; the work
    /// reports (value, description) as it goes.</summary>
    static Task<T> WithProgressBarAsync<T>(string label, double max, Func<Action<double, string>, Task<T>> work)
    {
        var bar = Spectre.Console.AnsiConsole.Progress();
        bar.AutoClear = true;
        return bar.StartAsync(async ctx =>
        {
            var task = ctx.AddTask(label, maxValue: max);
            var result = await work((value, description) => { task.Value = value; task.Description = description; });
            task.Value = max;
            return result;
        });
    }

    public static async Task<int> NightlyAsync(AppServices s, DateOnly? date, TextWriter output)
    {
        var day = date ?? NightlyService.Today(s.Clock, s.Settings.TimeZone);
        var result = Terminal(output)
            ? await WithProgressBarAsync($"nightly {day:yyyy-MM-dd}", NightlyProgress.Total, update =>
                s.Nightly.RunAsync(day, "cli", output, progress: p => update(p.Step - 1, $"nightly {day:yyyy-MM-dd}: {p.Stage}")))
            : await s.Nightly.RunAsync(day, "cli", output, progress: p => output.WriteLine($"  nightly {day:yyyy-MM-dd}: step {p.Step}/{p.Steps}: {p.Stage} …"));
        foreach (var note in result.Notes) output.WriteLine($"nightly: {note}");
        PrintRun(result.Record, output);
        output.WriteLine($"intake: {result.IntakeProcessed} messages taken into the signalenregister{(result.IntakePoisoned > 0 ? $", {result.IntakePoisoned} moved to the poison queue" : "")}");
        output.WriteLine($"run {result.Record.RunId}: {result.Record.Status}{(result.Record.Backfill ? " (back-fill: the signalenregister was not changed)" : "")}");
        return 0;
    }

    public static async Task<int> ListAsync(AppServices s, string format, string? path, TextWriter output)
    {
        var records = ExportService.List(await s.Register.ListAsync());
        var text = format == "csv" ? ExportService.ToCsv(records) : ExportService.ToJsonLines(records);
        if (path is not null)
        {
            await File.WriteAllTextAsync(path, text);
            output.WriteLine($"listed {records.Count} signals of the signalenregister to {path}");
        }
        else output.Write(text);
        return 0;
    }

    static string Bytes(long n) => n >= 1 << 20 ? $"{n / 1048576.0:0.0} MB" : $"{n / 1024.0:0.0} kB"; // the CLI speaks English

    public static void PrintRun(RunRecord run, TextWriter output)
    {
        output.WriteLine($"run {run.RunId} reference date {run.ReferenceDate}, register {run.RegisterVersion} ({run.RegisterSha256[..12]})");
        foreach (var source in SourceSchema.All)
        {
            var snap = run.Snapshots.FirstOrDefault(x => x.Source == source);
            output.WriteLine(snap is null ? $"  source {source}: no accepted snapshot on or before {run.ReferenceDate}"
                : $"  source {source}: snapshot {snap.SnapshotId} ({snap.FileName}, {snap.Rows} rows), unlinked {run.Unlinked.GetValueOrDefault(source)}");
        }
        if (run.SuppressedRows > 0) output.WriteLine($"  suppression list: {run.SuppressedRows} rows of suppressed persons left out of every model");
        foreach (var m in run.Models)
            output.WriteLine(m.Outcome is "refused" or "failed"
                ? $"  model {m.Model} {m.Version}: {m.Outcome} — {m.Reason}"
                : $"  model {m.Model} {m.Version}: {m.Outcome}; new {m.New}, continuing {m.Continuing}, resolved {m.Resolved}");
        if (run.Minimised.Count > 0)
            output.WriteLine($"  minimised {run.Minimised.Count} snapshots: {run.Minimised.Sum(m => m.EnvelopesDropped):N0} identity envelopes dropped, " +
                $"{run.Minimised.Sum(m => m.EnvelopesKept):N0} kept behind signals; {Bytes(run.Minimised.Sum(m => m.BytesBefore))} → {Bytes(run.Minimised.Sum(m => m.BytesAfter))}");
    }

    public static async Task<int> ExportAsync(AppServices s, string run, string format, string? path, bool reveal, string? reason, TextWriter output)
    {
        var (runId, records) = await s.Export.BuildAsync(run, reveal, reason, Environment.UserName);
        var text = format == "csv" ? ExportService.ToCsv(records) : ExportService.ToJsonLines(records);
        if (path is not null)
        {
            await File.WriteAllTextAsync(path, text);
            output.WriteLine($"exported {records.Count} signals of run {runId} to {path}{(reveal ? " (revealed; written to the audit log)" : "")}");
        }
        else output.Write(text);
        return 0;
    }

    /// <summary>Under the Functions host (<c>FUNCTIONS_CUSTOMHANDLER_PORT</c> set) with the invocation routes; by hand or
    /// from the demo without them.</summary>
    public static async Task<int> ServeAsync(AppServices s, string urls, TextWriter output, bool demo = false)
    {
        var port = Environment.GetEnvironmentVariable("FUNCTIONS_CUSTOMHANDLER_PORT");
        var underHost = port is not null && !demo;
        if (underHost) urls = $"http://127.0.0.1:{port}";
        await using var app = HttpProgram.Build(s, urls, invocationRoutes: underHost);
        await app.StartAsync();
        output.WriteLine($"listening on {urls}");
        // The host's console lifetime turns Ctrl+C and SIGTERM into a graceful stop; then Azurite is stopped by PID.
        await app.WaitForShutdownAsync();
        return 0;
    }

    public static async Task<int> RetentionAsync(AppServices s, TextWriter output)
    {
        output.WriteLine($"retention: {await s.Retention.RunAsync()}");
        return 0;
    }

    public static async Task<int> AuditVerifyAsync(AppServices s, TextWriter output, TextWriter error)
    {
        var result = await s.Audit.VerifyAsync();
        if (result.Intact) { output.WriteLine(result); return 0; }
        output.WriteLine($"{result.Entries} entries chain from the first; the next one does not");
        error.WriteLine($"refused: {result} — the entries up to there chain; report this to the privacy officer and keep the storage account as it is");
        return 3;
    }

    public static async Task<int> SubjectAsync(AppServices s, string verb, string bsn, string reason, string? path, TextWriter output)
    {
        if (!Analysis.Privacy.WrittenReason.IsAcceptable(reason)) throw new CliException($"--reason must be a written reason of at least {Analysis.Privacy.WrittenReason.MinLength} characters");
        switch (verb)
        {
            case "find":
                var report = await s.Subjects.FindAsync(bsn, reason, Environment.UserName);
                output.WriteLine($"signals: {report.Signals.Count} ({string.Join(", ", report.Signals.Select(c => c.SignalId))}); snapshot rows: {report.Rows.Count}; audit entries: {report.Audit.Count}");
                if (path is not null)
                {
                    await File.WriteAllTextAsync(path, await Review.Pages.Documents.SubjectReportAsync(report, s.Clock.GetUtcNow()));
                    output.WriteLine($"report written to {path}");
                }
                return 0;
            case "erase":
                var erased = await s.Subjects.EraseAsync(bsn, reason, Environment.UserName);
                output.WriteLine($"erased: {erased.SignalsChanged} signals changed, {erased.SignalsDeleted} deleted, {erased.SnapshotRows} snapshot rows removed, {erased.RunSignalSets} run signal sets changed");
                return 0;
            case "object":
                output.WriteLine($"objection recorded: the person is on the suppression list until {await s.Subjects.ObjectAsync(bsn, reason, Environment.UserName):yyyy-MM-dd}; from the next run no model processes them");
                return 0;
            case "rectify":
                output.WriteLine($"rectification recorded on {await s.Subjects.RectifyAsync(bsn, reason, Environment.UserName)} signals");
                return 0;
            default:
                throw new CliException("subject needs find, rectify or erase");
        }
    }

    /// <summary>Times the LV BAG 2.0 reader on a synthetic extract: N VBOs with their NUM, a PND per four VBOs, WPL and
    /// OPR, each object with an ended and a current voorkomen (as <see cref="RealFormatSamples"/> writes them).</summary>
    public static int BenchFormats(int vbos, TextWriter output)
    {
        var n = Math.Max(10, vbos);
        var work = Directory.CreateTempSubdirectory("sp-bench-formats-");
        try
        {
            var csv = Path.Combine(work.FullName, "csv", "bag", "2026-11-27");
            Directory.CreateDirectory(csv);
            using (var w = new StreamWriter(Path.Combine(csv, "bag.csv")))
            {
                w.Write("verblijfsobject_id;nummeraanduiding_id;postcode;huisnummer;huisletter;huisnummertoevoeging;woonplaats;gebruiksdoelen;oppervlakte;status;pand_id;pand_status;bouwjaar\n");
                for (var i = 0; i < n; i++)
                    w.Write($"177101{i:D10};177120{i:D10};{5600 + i / 1000 % 400}AB;{i % 1000 + 1};;;{(i % 3 == 0 ? "Geldrop" : "Mierlo")};woonfunctie;{40 + i % 120};Verblijfsobject in gebruik;177110{i / 4:D10};Pand in gebruik;{1900 + i % 120}\n");
            }
            RealFormatSamples.Write(Path.Combine(work.FullName, "csv"), Path.Combine(work.FullName, "real"));
            var folder = Path.Combine(work.FullName, "real", "bag", "2026-11-27");
            var bytes = Directory.GetFiles(folder).Sum(f => new FileInfo(f).Length);
            var files = Directory.GetFiles(folder).Order(StringComparer.Ordinal).Select(f => new Analysis.Formats.DeliveryFile(Path.GetFileName(f), () => File.OpenRead(f))).ToList();
            GC.Collect();
            var before = Environment.WorkingSet;
            var sw = System.Diagnostics.Stopwatch.StartNew();
            var conversion = Analysis.Formats.LvBagReader.Read(files, new DateOnly(2026, 11, 27), id => id);
            var read = sw.Elapsed.TotalSeconds;
            var peak = Environment.WorkingSet;
            var rows = conversion.Rows.Count(r => r.Problem is null);
            var total = sw.Elapsed.TotalSeconds;
            peak = Math.Max(peak, Environment.WorkingSet);
            var objects = 2 * (n + n + (n + 3) / 4) + 4; // two voorkomens of each VBO, NUM and PND, plus WPL and OPR
            output.WriteLine($"LV BAG 2.0: {n:N0} VBOs ({objects:N0} voorkomens, {bytes / 1_000_000.0:F1} MB of XML) read in {read:F2} s " +
                $"({objects / read:N0} voorkomens/s), {rows:N0} rows joined in {total:F2} s; working set {before / 1_000_000} MB before, {peak / 1_000_000} MB at the end");
            return rows == n ? 0 : 1;
        }
        finally { work.Delete(recursive: true); }
    }

    /// <summary>Times ANO's RandomizedPca training and scoring on N synthetic VBOs (7 features, 3-factor structure).</summary>
    public static int BenchAno(int vbos, TextWriter output)
    {
        var n = Math.Max(10, vbos);
        var rnd = new Random(5);
        double G() => Math.Sqrt(-2 * Math.Log(1 - rnd.NextDouble())) * Math.Cos(2 * Math.PI * rnd.NextDouble());
        var rows = new float[n][];
        for (var i = 0; i < n; i++)
        {
            double h = G(), a = G(), u = G();
            rows[i] = [(float)(2.5 + h + 0.2 * G()), (float)(0.3 + 0.2 * a + 0.05 * G()), (float)(35 - 10 * h + 5 * u + 2 * G()), (float)(0.2 + 0.05 * a),
                (float)(0.5 + 0.4 * a - 0.1 * u), (float)(0.4 + 0.3 * u), (float)(0.9 + 0.05 * h)];
        }
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var result = Analysis.Models.Ano.PcaAnomalyScorer.Score(rows, 3, 20, 42);
        output.WriteLine($"ANO: {n:N0} VBOs trained and scored in {sw.Elapsed.TotalSeconds:F2} s ({n / sw.Elapsed.TotalSeconds:N0} VBOs/s); max score {result.Scores.Max():F2}; peak working set {Environment.WorkingSet / 1_000_000} MB");
        return 0;
    }

    public static int SampleBrp(int rows, string path, TextWriter output)
    {
        SampleExtracts.WriteLargeBrp(path, rows);
        output.WriteLine($"wrote {rows:N0} BRP rows to {path} ({new FileInfo(path).Length / 1_000_000.0:F1} MB)");
        return 0;
    }

    public static async Task<int> DemoAsync(AppServices s, DateOnly? referenceDate, string urls, bool noServe, TextWriter output, bool realFormats = false)
    {
        var date = referenceDate ?? NightlyService.Today(s.Clock, s.Settings.TimeZone);
        var root = Path.Combine(s.Settings.LocalDir, "demo-extracts");
        IReadOnlyList<string> written = SampleExtracts.Write(root, date, new SampleOptions());
        output.WriteLine($"demo: wrote {written.Count} sample extracts under {root}");
        if (realFormats)
        {
            // The same extracts as a municipality delivers them: LV BAG 2.0, GBA-V, ZGW Zaken exports.
            var real = Path.Combine(s.Settings.LocalDir, "demo-real-formats");
            if (Directory.Exists(real)) Directory.Delete(real, recursive: true);
            RealFormatSamples.Write(root, real);
            output.WriteLine($"demo: wrote the same extracts in their real formats under {real}");
            written = [real];
        }
        var ingest = await IngestAsync(s, written, null, null, output);
        if (ingest != 0) output.WriteLine("demo: a sample file was rejected (see above)");
        await NightlyAsync(s, date, output);
        if (noServe) return 0;
        output.WriteLine($"demo: review UI at {urls}/review/dev-login?role=coordinator  (development sign-in; Ctrl+C stops)");
        return await ServeAsync(s, urls, output, demo: true);
    }
}
