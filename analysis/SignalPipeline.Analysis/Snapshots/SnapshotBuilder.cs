using System.IO.Compression;
using System.Text;
using System.Threading.Channels;
using CsvHelper;
using SignalPipeline.Analysis.Extracts;
using SignalPipeline.Analysis.Privacy;
using SignalPipeline.Analysis.Register;

namespace SignalPipeline.Analysis.Snapshots;

public sealed record IngestOptions
{
    /// <summary>A file with more rejected rows than this share is rejected whole (docs/contracts/extracts.md: 5%).</summary>
    public double MaxRejectedShare { get; init; } = 0.05;
    /// <summary>Called every this many rows with the rows read so far, for progress on large files.</summary>
    public int ProgressEvery { get; init; } = 100_000;
    public Action<long>? Progress { get; init; }
    /// <summary>When set, the builder adds the time of each stage to it (benchmark).</summary>
    public IngestTimings? Timings { get; init; }
    /// <summary>Columns the delivery's format may leave empty although v1 requires them (LV BAG: a nummeraanduiding
    /// without postcode keeps its row, linkable by id only).</summary>
    public IReadOnlySet<string> Optional { get; init; } = new HashSet<string>();
    /// <summary>The date the extract describes: ages (<c>volwassen</c>) are taken on it.</summary>
    public DateOnly? Peildatum { get; init; }
}

/// <summary>Stopwatch ticks per ingest stage; validate excludes the pseudonymisation done while validating.</summary>
public sealed class IngestTimings
{
    public long Parse, Validate, Pseudonymise, Envelope, Spool;
    public static double Seconds(long ticks) => ticks / (double)System.Diagnostics.Stopwatch.Frequency;
}

/// <summary>The result of the second pass: the table to store (or nothing, when the file is rejected),
/// the counts and column decisions for the manifest, and the quarantine report.</summary>
public sealed record BuildResult(
    SnapshotSpool? Spool,
    string? RejectionReason,
    long RowsRead,
    long RowsRejected,
    long RowsDuplicate,
    IReadOnlyList<string> ColumnsKept,
    IReadOnlyList<DiscardedColumn> ColumnsDiscarded,
    IReadOnlyList<string> ColumnsPseudonymised,
    IReadOnlyList<string> ColumnsEnveloped,
    IReadOnlyList<QuarantineEntry> Quarantine,
    IReadOnlyDictionary<string, int> ResidentsPerPc4)
{
    /// <summary>The header as delivered (normalised names).</summary>
    public IReadOnlyList<string> ColumnsDelivered { get; init; } = [];

    /// <summary>A delivery rejected whole before any row was read, with one quarantine entry saying why.</summary>
    public static BuildResult Failed(string reason, string fileName, string? locator = null, IReadOnlyList<DiscardedColumn>? discarded = null) =>
        new(null, reason, 0, 0, 0, [], discarded ?? [], [], [], [new QuarantineEntry(fileName, 0, null, reason, locator)], new Dictionary<string, int>());
}

/// <summary>read → validate → minimise → pseudonymise → envelope from a stream: the parser reads rows in order, batches of
/// them go through <see cref="RowProcessor"/> on every core, and the results are spooled in delivery order.
/// Plain identifiers live only in the batch being processed and the sealed envelopes.</summary>
public sealed class SnapshotBuilder(SourceSchema schema, DpiaRegister register, Pseudonymiser pseudonymiser, IdentityEnvelope envelope, IngestOptions options)
{
    string[] headersSeen = [];
    readonly IngestTimings? timings = options.Timings;

    public async Task<BuildResult> BuildAsync(Stream raw, string fileName, bool isUtf8, char separator, CancellationToken ct = default)
    {
        Stream content = ExtractProbe.IsGzip(fileName) ? new GZipStream(raw, CompressionMode.Decompress, leaveOpen: true) : raw;
        var encoding = isUtf8 ? new UTF8Encoding(false) : ExtractProbe.Windows1252;
        using var text = new StreamReader(content, encoding, detectEncodingFromByteOrderMarks: isUtf8, bufferSize: 1 << 16);
        var csvOptions = new CsvReaderOptions
        {
            Separator = separator, HasHeader = true, TrackLineNumbers = true, IncludeValuesInExceptions = false,
            AllowLineBreaksInQuotes = true, SkipEmptyLines = true,
        };
        using var csv = CsvReader.Create(text, csvOptions, false);
        var quarantine = new List<QuarantineEntry>();
        try { csv.ReadHeader(); }
        catch (Exception e) when (e is not OperationCanceledException)
        { return Rejected($"the header line cannot be parsed ({e.GetType().Name})", 0, quarantine); }

        // Header: names matched case-insensitively, ignoring surrounding spaces and a BOM.
        var headers = csv.Headers.Select(h => h.Trim().TrimStart('\uFEFF').Trim().ToLowerInvariant()).ToArray();
        headersSeen = headers;
        var discarded = new List<DiscardedColumn>();
        var (index, rejection) = PlanColumns(headers, discarded);
        if (index is null) return Rejected(rejection!, 0, quarantine, discarded);

        var layout = TableLayout.For(schema, index.Keys,
            deriveVolwassen: schema.Name == "brp" && options.Peildatum is not null && register.PermittedColumns("brp").Contains(TableLayout.Volwassen));
        var processor = new RowProcessor(schema, index, layout, options, pseudonymiser, envelope);
        var spool = new SnapshotSpool(layout.Columns);
        var completed = false;
        // Three stages: this loop parses; batches of rows are validated, pseudonymised and sealed side by side on every
        // core; one consumer takes their results in delivery order into the spool, so quarantine, duplicates and the
        // snapshot are as if one thread did it. The queue between them is bounded: memory stays flat.
        var inFlight = Channel.CreateBounded<Task<ProcessedBatch>>(new BoundedChannelOptions(2 * Environment.ProcessorCount) { SingleReader = true, SingleWriter = true });
        Task? consumer = null;
        try
        {
        // Per accepted row only 16 bytes of key and 4 bytes of PC4 code stay in memory; the row itself is spooled.
        var lastByKey = new KeyIndex();
        var pc4Codes = new List<int>();
        long read = 0, rejected = 0, duplicates = 0;
        var batch = new RowBatch(BatchSize);

        async Task Take(ProcessedBatch done)
        {
            var t = System.Diagnostics.Stopwatch.GetTimestamp();
            for (var r = 0; r < done.Batch.Count; r++)
            {
                if (done.Errors[r] is { } errors)
                {
                    rejected++;
                    foreach (var (col, reason) in errors) quarantine.Add(new(fileName, done.Batch.Lines[r], col, reason));
                    continue;
                }
                var at = await spool.AddAsync(done.Columns, r, done.Envelopes[r], ct);
                pc4Codes.Add(done.Pc4[r]);
                if (lastByKey.Set(done.Keys[r], at) is var earlier and >= 0) { spool.Drop(earlier); duplicates++; }
            }
            if (timings is not null)
            {
                timings.Validate += done.ValidateTicks; timings.Pseudonymise += done.PseudonymiseTicks; timings.Envelope += done.EnvelopeTicks;
                timings.Spool += System.Diagnostics.Stopwatch.GetTimestamp() - t;
            }
        }
        consumer = Task.Run(async () =>
        {
            try { await foreach (var pending in inFlight.Reader.ReadAllAsync(ct)) await Take(await pending); }
            catch (Exception e) { inFlight.Writer.TryComplete(e); throw; } // stops the parser too
        }, ct);
        async Task Dispatch()
        {
            if (batch.Count == 0) return;
            var full = batch;
            batch = new RowBatch(BatchSize);
            try { await inFlight.Writer.WriteAsync(Task.Run(() => processor.Process(full), ct), ct); }
            catch (ChannelClosedException) { await consumer; throw; } // the consumer's own failure, not this one
        }

        while (true)
        {
            bool more;
            var t0 = System.Diagnostics.Stopwatch.GetTimestamp();
            try { more = await csv.ReadAsync(ct); }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                var entry = new QuarantineEntry(fileName, csv.LineNumber, null, $"the file cannot be parsed from here on ({e.GetType().Name})");
                return await Abandon(entry, Rejected("the file cannot be parsed", read, quarantine, discarded));
            }
            if (!more) break;
            read++;
            if (options.Progress is not null && read % options.ProgressEvery == 0) options.Progress(read);
            var line = csv.LineNumber;
            // Structure errors reject the file whole: after a stray quote or a shifted row, no later row can be trusted
            // to be what the municipality meant, and a silently shorter snapshot would resolve signals that still hold.
            // (The reader numbers a record by the line it starts on.)
            var cells = new string?[csv.FieldCount];
            for (var i = 0; i < cells.Length; i++) cells[i] = csv.GetString(i);
            if (LineBreaksInValues(cells) is var spanned and > 0)
            {
                var entry = new QuarantineEntry(fileName, line, null, $"a value starting on line {line} runs over a line break up to line {line + spanned} (an unterminated quote?)");
                return await Abandon(entry, Rejected($"line {line}: a quoted value is not closed on its line (an unterminated quote?); the file is rejected whole", read, quarantine, discarded));
            }
            if (csv.FieldCount != headers.Length)
            {
                var entry = new QuarantineEntry(fileName, line, null, $"row has {csv.FieldCount} fields, the header has {headers.Length}");
                return await Abandon(entry, Rejected($"line {line}: the row has {csv.FieldCount} fields where the header has {headers.Length}; the file is rejected whole", read, quarantine, discarded));
            }
            batch.Cells[batch.Count] = cells;
            batch.Lines[batch.Count++] = line;
            if (timings is not null) timings.Parse += System.Diagnostics.Stopwatch.GetTimestamp() - t0;
            if (batch.Full) await Dispatch();
        }
        await Dispatch();
        inFlight.Writer.Complete();
        await consumer;

        var maxRejected = options.MaxRejectedShare * read;
        if (read > 0 && rejected > maxRejected)
            return Rejected($"{rejected} of {read} rows were rejected, more than the permitted {options.MaxRejectedShare:P0}", read, quarantine, discarded, rejected);
        if (read == 0) return Rejected("the file has a header but no rows", 0, quarantine, discarded);

        var residentsPerPc4 = ResidentsPerPc4(pc4Codes, spool);
        completed = true;
        return new BuildResult(spool, null, read, rejected, duplicates,
            layout.Columns.Where(c => !c.StartsWith('_') && (headers.Contains(c) || c == "adres" && layout.Pseudonymised.Contains("adres"))).ToList(), discarded,
            layout.Pseudonymised, layout.Enveloped, quarantine, residentsPerPc4) { ColumnsDelivered = headers };
        }
        finally
        {
            if (!completed) await spool.DisposeAsync();
        }

        // A file rejected whole: the rows still in flight are waited for (they use the caller's keys) and dropped.
        // (Its quarantine entry is added after the rows before it, once the consumer has stopped adding theirs.)
        async Task<BuildResult> Abandon(QuarantineEntry entry, BuildResult rejection)
        {
            inFlight.Writer.TryComplete();
            if (consumer is not null) try { await consumer; } catch (Exception) when (!ct.IsCancellationRequested) { }
            quarantine.Add(entry);
            return rejection;
        }
    }

    /// <summary>Rows per batch handed to a core: large enough to amortise the hand-off, small enough to keep memory flat.</summary>
    const int BatchSize = 2_048;

    /// <summary>Which delivered columns are kept (in the contract and permitted by the DPIA register), by name and
    /// position, and which are discarded and why; no index but a reason when the header lacks what the contract needs.</summary>
    (Dictionary<string, int>? Index, string? Rejection) PlanColumns(string[] headers, List<DiscardedColumn> discarded)
    {
        var permitted = register.PermittedColumns(schema.Name);
        var specByIndex = new ColumnSpec?[headers.Length];
        var seen = new HashSet<string>();
        for (var i = 0; i < headers.Length; i++)
        {
            var h = headers[i];
            if (!seen.Add(h)) { discarded.Add(new(h, "column appears twice in the header; the first is used")); continue; }
            var spec = schema.Find(h);
            if (SourceSchema.Banned.Contains(h)) discarded.Add(new(h, "never permitted (protected person attribute)"));
            else if (spec is null) discarded.Add(new(h, "not part of the extract contract"));
            else if (!permitted.Contains(h)) discarded.Add(new(h, "not permitted by the DPIA register"));
            else specByIndex[i] = spec;
        }
        foreach (var required in schema.Columns.Where(c => c.Required))
        {
            if (!headers.Contains(required.Name)) return (null, $"the header lacks the required column {required.Name}");
            if (!permitted.Contains(required.Name)) return (null, $"the DPIA register does not permit the required column {required.Name} of {schema.Name}");
        }
        var index = new Dictionary<string, int>();
        for (var i = 0; i < specByIndex.Length; i++) if (specByIndex[i] is { } spec) index[spec.Name] = i;
        if (schema.NeedsLocation && !index.ContainsKey("verblijfsobject_id") && !(index.ContainsKey("postcode") && index.ContainsKey("huisnummer")))
            return (null, "the header has neither verblijfsobject_id nor postcode and huisnummer");
        return (index, null);
    }

    /// <summary>Residents per PC4 among the rows that stayed (a later duplicate replaces an earlier row): counts only.</summary>
    static SortedDictionary<string, int> ResidentsPerPc4(List<int> pc4Codes, SnapshotSpool spool)
    {
        var residents = new SortedDictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < pc4Codes.Count; i++)
            if (pc4Codes[i] >= 0 && !spool.IsDropped(i))
            {
                var pc4 = pc4Codes[i].ToString("D4", System.Globalization.CultureInfo.InvariantCulture);
                residents[pc4] = residents.GetValueOrDefault(pc4) + 1;
            }
        return residents;
    }

    /// <summary>No contract column holds a line break, so a value with one is a quote left open.</summary>
    static long LineBreaksInValues(string?[] cells)
    {
        long n = 0;
        foreach (var v in cells) if (v is not null && v.Contains('\n')) n += v.AsSpan().Count('\n');
        return n;
    }

    BuildResult Rejected(string reason, long read, List<QuarantineEntry> quarantine, List<DiscardedColumn>? discarded = null, long rejected = 0) =>
        new(null, reason, read, rejected, 0, [], discarded ?? [], [], [], quarantine, new Dictionary<string, int>()) { ColumnsDelivered = headersSeen };
}
