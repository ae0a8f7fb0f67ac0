using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using CsvHelper;
using DuckDB.NET.Data;
using SignalPipeline.Analysis.Models;
using SignalPipeline.Analysis.Privacy;
using SignalPipeline.Analysis.Register;
using SignalPipeline.Analysis.Runs;
using SignalPipeline.Analysis.Snapshots;

namespace SignalPipeline.Bench;

public sealed record StageFigure(string Stage, double Seconds, long Rows, long PeakRssMb)
{
    public double RowsPerSecond => Seconds > 0 ? Rows / Seconds : 0;
}

public sealed record BenchResult(Scale Scale, IReadOnlyList<StageFigure> Stages, double IngestSeconds, double FloorSeconds, long IngestRows,
    double NightlySeconds, double DuckDbSeconds, IReadOnlyDictionary<string, int> OurCounts, IReadOnlyDictionary<string, int> DuckDbCounts)
{
    /// <summary>The whole nightly: snapshot read, link, every model (ANO and the control sample included) and the intake messages.</summary>
    public double NightlyTotalSeconds { get; init; }
    /// <summary>Peak RSS of the process through the four ingests and the nightly, before the peer (DuckDB) runs in it.</summary>
    public long PeakRssMb { get; init; }
    public long PeerPeakRssMb { get; init; }

    public double IngestVsFloor => FloorSeconds / IngestSeconds;
    public double NightlyVsDuckDb => NightlySeconds / DuckDbSeconds;
}

/// <summary>Ingest and nightly on generated extracts, side by side with the bare floor (CsvHelper + keyed HMAC of the
/// identifier columns) and a peer (DuckDB running the six rules in SQL over the same Parquet snapshots). Storage
/// (Azurite/Azure) is left out on both sides: files on local disk.</summary>
public static class Bench
{
    public static readonly DateOnly Date = new(2026, 11, 23);
    static long Rss() => Process.GetCurrentProcess().PeakWorkingSet64 / 1_000_000;

    /// <summary>The highest RSS while our ingest and nightly run, sampled every 20 ms: the process's own peak also holds
    /// the DuckDB peer's, and at a partitioned scale the peak of every earlier partition's peer.</summary>
    sealed class OurPeak : IDisposable
    {
        long max;
        volatile bool paused;
        readonly Timer timer;
        public OurPeak() => timer = new Timer(_ => { if (!paused) Sample(); }, null, 0, 20);
        void Sample() { var now = Environment.WorkingSet; long seen; while (now > (seen = Interlocked.Read(ref max)) && Interlocked.CompareExchange(ref max, now, seen) != seen) { } }
        public void Pause() { Sample(); paused = true; }
        public void Resume() { paused = false; Sample(); }
        public long Mb => Interlocked.Read(ref max) / 1_000_000;
        public void Dispose() => timer.Dispose();
    }

    /// <summary>The bench at a scale: one run, or at a partitioned scale (national) one run per partition, one after the
    /// other in this process, summed (times, rows, counts) and with the highest peak.</summary>
    public static async Task<BenchResult> RunAsync(Scale scale, string workDir, string registerPath, TextWriter log)
    {
        if (scale.Partitions == 1) return await RunOnceAsync(scale, workDir, registerPath, log, 2026);
        var parts = new List<BenchResult>();
        for (var p = 0; p < scale.Partitions; p++)
        {
            var dir = Path.Combine(workDir, $"part-{p:D2}");
            parts.Add(await RunOnceAsync(scale.Part, dir, registerPath, log, 2026 + p));
            log.WriteLine($"partition {p + 1}/{scale.Partitions} done: ingest {parts[^1].IngestSeconds:F1} s, nightly {parts[^1].NightlyTotalSeconds:F1} s, peak {parts[^1].PeakRssMb} MB");
            Directory.Delete(dir, recursive: true);
        }
        static Dictionary<string, int> Sum(IEnumerable<IReadOnlyDictionary<string, int>> counts) =>
            counts.SelectMany(c => c).GroupBy(c => c.Key).ToDictionary(g => g.Key, g => g.Sum(c => c.Value));
        var stages = parts[0].Stages.Select(s => s.Stage).Select(name =>
        {
            var all = parts.Select(r => r.Stages.First(s => s.Stage == name)).ToList();
            return new StageFigure(name, all.Sum(s => s.Seconds), all.Sum(s => s.Rows), all.Max(s => s.PeakRssMb));
        }).ToList();
        return new BenchResult(scale, stages, parts.Sum(r => r.IngestSeconds), parts.Sum(r => r.FloorSeconds), parts.Sum(r => r.IngestRows),
            parts.Sum(r => r.NightlySeconds), parts.Sum(r => r.DuckDbSeconds), Sum(parts.Select(r => r.OurCounts)), Sum(parts.Select(r => r.DuckDbCounts)))
        {
            NightlyTotalSeconds = parts.Sum(r => r.NightlyTotalSeconds), PeakRssMb = parts.Max(r => r.PeakRssMb), PeerPeakRssMb = parts.Max(r => r.PeerPeakRssMb),
        };
    }

    static async Task<BenchResult> RunOnceAsync(Scale scale, string workDir, string registerPath, TextWriter log, int seed)
    {
        using var ourPeak = new OurPeak();
        var register = DpiaRegister.Load(registerPath);
        // The six rules DuckDB evaluates too (not ANO, not the control sample).
        var approvedRules = register.Models.Where(m => m.Id is not ("ANO" or "CTL")).Select(m => m.Id).ToHashSet();
        var stages = new List<StageFigure>();
        var sw = Stopwatch.StartNew();
        var files = BenchExtracts.Write(Path.Combine(workDir, "extracts"), scale, Date, seed);
        log.WriteLine($"generated {scale.Name} extracts in {sw.Elapsed.TotalSeconds:F1} s");

        // Floor: parse every file and HMAC its identifier columns with reused keyed hashes; nothing else.
        var key = RandomNumberGenerator.GetBytes(32);
        sw.Restart();
        long floorRows = 0;
        using (var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key))
        {
            var mac = new byte[32];
            foreach (var file in files.Values)
            {
                using var reader = new StreamReader(file);
                using var csv = CsvReader.Create(reader, new CsvReaderOptions { Separator = ';', HasHeader = true }, false);
                csv.ReadHeader();
                var ids = csv.Headers.Select((h, i) => (h, i)).Where(p => p.h is "bsn" or "verblijfsobject_id" or "postcode" or "zaak_id" or "aanvrager_bsn" or "aanvrager_kvk" or "betrokkene_bsn" or "betrokkene_kvk").Select(p => p.i).ToArray();
                while (csv.Read())
                {
                    floorRows++;
                    foreach (var i in ids)
                    {
                        var v = csv.GetString(i);
                        if (v.Length == 0) continue;
                        hmac.AppendData(Encoding.UTF8.GetBytes(v));
                        hmac.GetHashAndReset(mac);
                    }
                }
            }
        }
        var floorSeconds = sw.Elapsed.TotalSeconds;
        stages.Add(new("floor: parse + HMAC", floorSeconds, floorRows, Rss()));
        log.WriteLine($"floor done in {floorSeconds:F1} s");

        // Ours: the real snapshot builder per file, the spool written to a local Parquet file.
        var timings = new IngestTimings();
        var keys = new KeyMaterial(key, "bench", RandomNumberGenerator.GetBytes(32), "bench");
        var snapshotDir = Path.Combine(workDir, "snapshots");
        Directory.CreateDirectory(snapshotDir);
        var loaded = new Dictionary<string, LoadedSnapshot>();
        long ingestRows = 0;
        double writeSeconds = 0;
        long encodeTicks = 0;
        var ingestWatch = Stopwatch.StartNew();
        foreach (var (source, file) in files)
        {
            using var pseudonymiser = new Pseudonymiser(keys.PseudonymKey, keys.PseudonymKeyVersion);
            var builder = new SnapshotBuilder(Analysis.Extracts.SourceSchema.For(source), register, pseudonymiser,
                new IdentityEnvelope(keys.EnvelopeKey, keys.EnvelopeKeyVersion), new IngestOptions { Timings = timings });
            await using var input = File.OpenRead(file);
            var result = await builder.BuildAsync(input, Path.GetFileName(file), true, ';');
            if (result.Spool is not { } spool) throw new InvalidOperationException($"{source} rejected: {result.RejectionReason}");
            ingestRows += result.RowsRead;
            log.WriteLine($"ingested {source} ({result.RowsRead:N0} rows) at {ingestWatch.Elapsed.TotalSeconds:F1} s");
            var w = Stopwatch.StartNew();
            await using (spool)
            await using (var output = File.Create(Path.Combine(snapshotDir, $"{source}.parquet")))
            {
                await spool.WriteParquetAsync(output);
                encodeTicks += spool.EncodeTicks;
            }
            writeSeconds += w.Elapsed.TotalSeconds;
            loaded[source] = new LoadedSnapshot(new SnapshotManifest { SnapshotId = source, Source = source, Date = Date.ToString("yyyy-MM-dd"), FileName = Path.GetFileName(file), Sha256 = "", Status = "accepted", ResidentsPerPc4 = result.ResidentsPerPc4 }, null!);
        }
        var ingestSeconds = ingestWatch.Elapsed.TotalSeconds;
        log.WriteLine($"GC after ingest: gen0 {GC.CollectionCount(0)}, gen1 {GC.CollectionCount(1)}, gen2 {GC.CollectionCount(2)}, paused {GC.GetTotalPauseDuration().TotalSeconds:F2} s, allocated {GC.GetTotalAllocatedBytes() / 1e9:F2} GB; JIT {System.Runtime.JitInfo.GetCompilationTime().TotalSeconds:F2} s for {System.Runtime.JitInfo.GetCompiledMethodCount():N0} methods");
        stages.Add(new("parse", IngestTimings.Seconds(timings.Parse), ingestRows, Rss()));
        stages.Add(new("validate", IngestTimings.Seconds(timings.Validate), ingestRows, Rss()));
        stages.Add(new("pseudonymise", IngestTimings.Seconds(timings.Pseudonymise), ingestRows, Rss()));
        stages.Add(new("envelope", IngestTimings.Seconds(timings.Envelope), ingestRows, Rss()));
        stages.Add(new("snapshot write (spool + Parquet)", IngestTimings.Seconds(timings.Spool + encodeTicks) + writeSeconds, ingestRows, Rss()));
        stages.Add(new("ingest total", ingestSeconds, ingestRows, Rss()));

        // Nightly: read the snapshots back, then the runner (link, each model) as in production.
        var nightlyWatch = Stopwatch.StartNew();
        // The four snapshots are read side by side, as the nightly does.
        var tables = await Task.WhenAll(loaded.Keys.ToList().Select(source => Task.Run(async () =>
        {
            await using var s = File.OpenRead(Path.Combine(snapshotDir, $"{source}.parquet"));
            return (source, table: await SnapshotTable.ReadParquetAsync(s, Analysis.Linking.LinkedWorld.ColumnsRead(source, suppressing: false), asKeys: Analysis.Linking.LinkedWorld.KeysRead(source)));
        })));
        foreach (var (source, table) in tables) loaded[source] = loaded[source] with { Table = table };
        var readSeconds = nightlyWatch.Elapsed.TotalSeconds;
        log.WriteLine($"snapshots read in {readSeconds:F1} s");
        var outcome = NightlyRunner.Run(new RunInput("bench", Date, "bench", ["1771"], register, loaded, null, [], ModelCatalogue.For(register)));
        var intakeWatch = Stopwatch.StartNew();
        var messages = outcome.ToQueue.Select(s => System.Text.Json.JsonSerializer.Serialize(s.Signal)).Count();
        var intakeSeconds = intakeWatch.Elapsed.TotalSeconds;
        var nightlySeconds = nightlyWatch.Elapsed.TotalSeconds;
        stages.Add(new("snapshot read", readSeconds, ingestRows, Rss()));
        stages.Add(new("link", outcome.Record.LinkSeconds, ingestRows, Rss()));
        foreach (var m in outcome.Record.Models) stages.Add(new($"model {m.Model}", m.DurationSeconds, m.New, Rss()));
        stages.Add(new("intake (messages)", intakeSeconds, messages, Rss()));
        stages.Add(new("nightly total (read + link + models)", nightlySeconds, ingestRows, Rss()));
        var ours = outcome.Record.Models.Where(m => approvedRules.Contains(m.Model)).ToDictionary(m => m.Model, m => m.New);
        ourPeak.Pause();

        log.WriteLine($"nightly done in {nightlySeconds:F1} s; JIT so far {System.Runtime.JitInfo.GetCompilationTime().TotalSeconds:F2} s for {System.Runtime.JitInfo.GetCompiledMethodCount():N0} methods");
        // Peer: DuckDB evaluates the six rules over the same Parquet files.
        var duckWatch = Stopwatch.StartNew();
        var duck = DuckDbRules(snapshotDir, Date, "1771");
        var duckSeconds = duckWatch.Elapsed.TotalSeconds;
        stages.Add(new("peer: DuckDB six rules", duckSeconds, ingestRows, Rss()));

        // Compare the rule part of the nightly with DuckDB's rule evaluation (both include reading the Parquet files): the
        // six rules alone, side by side as the runner runs them (ANO and the control sample are not DuckDB's to compare).
        var rulesOnly = NightlyRunner.Run(new RunInput("bench-rules", Date, "bench", ["1771"], register, loaded, null, [],
            ModelCatalogue.For(register).Where(m => approvedRules.Contains(m.Id)).ToList())).Record;
        var ruleSeconds = readSeconds + rulesOnly.LinkSeconds + rulesOnly.ModelsSeconds;
        stages.Add(new("six rules side by side (wall)", rulesOnly.ModelsSeconds, ingestRows, Rss()));
        return new BenchResult(scale, stages, ingestSeconds, floorSeconds, ingestRows, ruleSeconds, duckSeconds, ours, duck)
        {
            NightlyTotalSeconds = nightlySeconds, PeakRssMb = ourPeak.Mb, PeerPeakRssMb = Rss(),
        };
    }

    public static Dictionary<string, int> DuckDbRules(string dir, DateOnly date, string territory)
    {
        using var con = new DuckDBConnection("DataSource=:memory:");
        con.Open();
        string P(string source) => Path.Combine(dir, $"{source}.parquet").Replace("'", "''");
        var d = date.ToString("yyyy-MM-dd");
        void Exec(string sql) { using var c = con.CreateCommand(); c.CommandText = sql; c.ExecuteNonQuery(); }
        int Count(string sql) { using var c = con.CreateCommand(); c.CommandText = sql; return Convert.ToInt32(c.ExecuteScalar()); }
        Exec($"CREATE TEMP TABLE bag AS SELECT verblijfsobject_id AS vbo, adres, gebruiksdoelen, CAST(oppervlakte AS INTEGER) AS opp, status, pand_status, _vbo_gemeente AS gem FROM read_parquet('{P("bag")}')");
        string Linked(string source, string cols) => $"""
            CREATE TEMP TABLE {source} AS SELECT coalesce(b1.vbo, b2.vbo) AS vbo, s.verblijfsobject_id AS own_vbo, s._vbo_gemeente AS own_gem, {cols}
            FROM read_parquet('{P(source)}') s LEFT JOIN bag b1 ON s.verblijfsobject_id = b1.vbo LEFT JOIN bag b2 ON s.adres = b2.adres
            """;
        Exec(Linked("brp", "s.functie_adres AS f"));
        Exec(Linked("permits", "s.zaak_id, s.zaaktype, s.status, TRY_CAST(s.datum_aanvraag AS DATE) AS aanvraag, s.aanvrager_bsn AS bsn, s.aanvrager_kvk AS kvk"));
        Exec(Linked("enforcement", "s.zaak_id, s.handhavingstype AS type, s.status, TRY_CAST(s.datum_start AS DATE) AS start, s.betrokkene_bsn AS bsn, s.betrokkene_kvk AS kvk"));
        var within = (string col, int days) => $"{col} BETWEEN DATE '{d}' - INTERVAL {days} DAY AND DATE '{d}'";
        var woon = "list_contains(string_split(b.gebruiksdoelen, '|'), 'woonfunctie')";
        return new Dictionary<string, int>
        {
            ["OVB"] = Count($"""
                SELECT count(*) FROM (SELECT b.vbo, b.opp, count(*) FILTER (WHERE r.f = 'W') AS res FROM bag b JOIN brp r ON r.vbo = b.vbo
                WHERE b.gem = '{territory}' AND {woon} GROUP BY b.vbo, b.opp) x
                WHERE res >= 4 AND opp / res::DOUBLE < 12
                AND NOT EXISTS (SELECT 1 FROM permits p WHERE p.vbo = x.vbo AND p.zaaktype = 'omzettingsvergunning' AND p.status = 'verleend')
                """),
            // NWF 2.0.0: not for care homes, prisons or (by default) logies.
            ["NWF"] = Count($"SELECT count(*) FROM (SELECT b.vbo FROM bag b JOIN brp r ON r.vbo = b.vbo WHERE b.gem = '{territory}' AND NOT {woon} " +
                "AND NOT list_has_any(string_split(b.gebruiksdoelen, '|'), ['gezondheidszorgfunctie', 'celfunctie', 'logiesfunctie']) " +
                "GROUP BY b.vbo HAVING count(*) FILTER (WHERE r.f = 'W') >= 1)"),
            ["ONG"] = Count($"""
                SELECT (SELECT count(DISTINCT b.vbo) FROM bag b JOIN brp r ON r.vbo = b.vbo WHERE b.gem = '{territory}'
                  AND (b.status IN ('Niet gerealiseerd verblijfsobject', 'Verblijfsobject ingetrokken', 'Verblijfsobject buiten gebruik', 'Verblijfsobject ten onrechte opgevoerd')
                       OR b.pand_status IN ('Pand gesloopt', 'Niet gerealiseerd pand', 'Pand ten onrechte opgevoerd')))
                 + (SELECT count(DISTINCT own_vbo) FROM brp WHERE vbo IS NULL AND own_vbo IS NOT NULL AND own_gem = '{territory}')
                """),
            ["BRF"] = Count($"SELECT count(*) FROM (SELECT b.vbo FROM bag b JOIN brp r ON r.vbo = b.vbo WHERE b.gem = '{territory}' GROUP BY b.vbo HAVING count(*) FILTER (WHERE r.f = 'B') >= 3)"),
            ["HHC"] = Count($"""
                SELECT count(*) FROM (SELECT b.vbo FROM bag b JOIN enforcement e ON e.vbo = b.vbo WHERE b.gem = '{territory}' GROUP BY b.vbo
                HAVING count(*) FILTER (WHERE e.type <> 'controle' AND e.status <> 'ingetrokken' AND {within("e.start", 730)}) >= 3
                    OR count(*) FILTER (WHERE e.type = 'sluiting_13b_opiumwet' AND {within("e.start", 1095)}) > 0)
                """),
            ["BIB"] = Count($"""
                WITH serious AS (SELECT * FROM enforcement WHERE type IN ('last_onder_dwangsom', 'last_onder_bestuursdwang', 'bestuurlijke_boete', 'sluiting_13b_opiumwet', 'sluiting_174a_gemeentewet') AND {within("start", 1095)}),
                cand AS (SELECT p.* FROM permits p JOIN bag b ON b.vbo = p.vbo
                  WHERE b.gem = '{territory}' AND p.status = 'aangevraagd' AND p.zaaktype IN ('exploitatievergunning_horeca', 'alcoholwetvergunning', 'exploitatievergunning_seksinrichting'))
                SELECT count(*) FROM (
                  SELECT c.zaak_id FROM cand c JOIN serious e ON e.bsn = c.bsn
                  UNION SELECT c.zaak_id FROM cand c JOIN serious e ON e.kvk = c.kvk
                  UNION SELECT c.zaak_id FROM cand c JOIN serious e ON e.vbo = c.vbo)
                """),
        };
    }

    public static string Report(BenchResult r)
    {
        var sb = new StringBuilder();
        sb.AppendLine($"scale {r.Scale.Name}: BRP {r.Scale.Brp:N0}, BAG {r.Scale.Bag:N0}, permits {r.Scale.Permits:N0}, enforcement {r.Scale.Enforcement:N0}; {Environment.ProcessorCount} cores" +
            (r.Scale.Partitions > 1 ? $"; {r.Scale.Partitions} partitions of BRP {r.Scale.Part.Brp:N0}, one after the other (figures summed, peak RSS the highest)" : ""));
        sb.AppendLine($"{"stage",-40} {"seconds",10} {"rows",12} {"rows/s",12} {"peak RSS MB",12}");
        foreach (var s in r.Stages) sb.AppendLine($"{s.Stage,-40} {s.Seconds,10:F3} {s.Rows,12:N0} {s.RowsPerSecond,12:N0} {s.PeakRssMb,12:N0}");
        sb.AppendLine($"ingest throughput / floor: {r.IngestVsFloor:P0} (target ≥ 50%)");
        sb.AppendLine($"rule nightly / DuckDB: {r.NightlyVsDuckDb:F2}× (target ≤ 1.0×)");
        sb.AppendLine($"four ingests + nightly: {r.IngestSeconds + r.NightlyTotalSeconds:F1} s (target ≤ 15 s at city scale); peak RSS {r.PeakRssMb:N0} MB before the peer, {r.PeerPeakRssMb:N0} MB with it (target ≤ 1 500 MB)");
        sb.AppendLine($"counts ours vs DuckDB: {string.Join(", ", r.OurCounts.OrderBy(c => c.Key).Select(c => $"{c.Key} {c.Value}/{r.DuckDbCounts.GetValueOrDefault(c.Key)}"))}");
        return sb.ToString();
    }

    /// <summary>The one machine-readable line the benchmark ends with: <c>BENCH {json}</c> (issue 17's figures).</summary>
    public static string BenchLine(BenchResult r, double totalSeconds) => "BENCH " + System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["scale"] = r.Scale.Name,
        ["ingest_s"] = Math.Round(r.IngestSeconds, 3),
        ["floor_s"] = Math.Round(r.FloorSeconds, 3),
        ["ingest_ratio"] = Math.Round(r.IngestVsFloor, 3),
        // Snapshot read + link + the six rules (side by side): the same work DuckDB's six rules do.
        ["nightly_rules_s"] = Math.Round(r.NightlySeconds, 3),
        ["duckdb_s"] = Math.Round(r.DuckDbSeconds, 3),
        ["nightly_ratio"] = Math.Round(r.NightlyVsDuckDb, 3),
        // The city goal's "four ingests + nightly": our two phases, not the generator, the floor or the peer.
        ["total_s"] = Math.Round(r.IngestSeconds + r.NightlyTotalSeconds, 3),
        ["nightly_total_s"] = Math.Round(r.NightlyTotalSeconds, 3),
        ["process_s"] = Math.Round(totalSeconds, 3),
        ["peak_rss_mb"] = r.PeakRssMb,
        ["peer_peak_rss_mb"] = r.PeerPeakRssMb,
        ["cores"] = Environment.ProcessorCount,
        ["partitions"] = r.Scale.Partitions,
        ["counts_match"] = r.OurCounts.All(c => r.DuckDbCounts.GetValueOrDefault(c.Key) == c.Value) && r.DuckDbCounts.Count == r.OurCounts.Count,
    });
}
