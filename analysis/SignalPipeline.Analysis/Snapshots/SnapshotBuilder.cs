using System.IO.Compression;
using System.Text;
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

/// <summary>read → validate → minimise → pseudonymise → envelope, row by row from a stream.
/// Plain identifiers live only in locals of one row and in the sealed envelope.</summary>
public sealed class SnapshotBuilder(SourceSchema schema, DpiaRegister register, Pseudonymiser pseudonymiser, IdentityEnvelope envelope, IngestOptions options)
{
    static readonly string[] AddressParts = ["postcode", "huisnummer", "huisletter", "huisnummertoevoeging"];
    string[] headersSeen = [];
    readonly IngestTimings? timings = options.Timings;

    string Pseudonym(IdKind kind, string value)
    {
        if (timings is null) return pseudonymiser.Pseudonymise(kind, value);
        var t = System.Diagnostics.Stopwatch.GetTimestamp();
        var p = pseudonymiser.Pseudonymise(kind, value);
        var elapsed = System.Diagnostics.Stopwatch.GetTimestamp() - t;
        timings.Pseudonymise += elapsed;
        timings.Validate -= elapsed; // counted inside ProcessRow's span
        return p;
    }

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
        var spool = new SnapshotSpool(layout.Columns);
        var completed = false;
        try
        {
        // Per accepted row only 16 bytes of key and 4 bytes of PC4 code stay in memory; the row itself is spooled.
        var lastByKey = new Dictionary<UInt128, int>();
        var pc4Codes = new List<int>();
        var functieOrdinal = layout.Columns.ToList().IndexOf("functie_adres");
        long read = 0, rejected = 0, duplicates = 0;
        var row = new string?[layout.Columns.Count];
        var envelopeFields = new Dictionary<string, string>();
        var errors = new List<(string? Column, string Reason)>();

        while (true)
        {
            bool more;
            var t0 = System.Diagnostics.Stopwatch.GetTimestamp();
            try { more = await csv.ReadAsync(ct); }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                quarantine.Add(new(fileName, csv.LineNumber, null, $"the file cannot be parsed from here on ({e.GetType().Name})"));
                return Rejected("the file cannot be parsed", read, quarantine, discarded);
            }
            if (timings is not null) timings.Parse += System.Diagnostics.Stopwatch.GetTimestamp() - t0;
            if (!more) break;
            read++;
            if (options.Progress is not null && read % options.ProgressEvery == 0) options.Progress(read);
            var line = csv.LineNumber;
            // Structure errors reject the file whole: after a stray quote or a shifted row, no later row can be trusted
            // to be what the municipality meant, and a silently shorter snapshot would resolve signals that still hold.
            // (The reader numbers a record by the line it starts on.)
            if (LineBreaksInValues(csv) is var spanned and > 0)
            {
                quarantine.Add(new(fileName, line, null, $"a value starting on line {line} runs over a line break up to line {line + spanned} (an unterminated quote?)"));
                return Rejected($"line {line}: a quoted value is not closed on its line (an unterminated quote?); the file is rejected whole", read, quarantine, discarded);
            }
            if (csv.FieldCount != headers.Length)
            {
                quarantine.Add(new(fileName, line, null, $"row has {csv.FieldCount} fields, the header has {headers.Length}"));
                return Rejected($"line {line}: the row has {csv.FieldCount} fields where the header has {headers.Length}; the file is rejected whole", read, quarantine, discarded);
            }
            Array.Clear(row);
            envelopeFields.Clear();
            errors.Clear();
            {
                var t1 = System.Diagnostics.Stopwatch.GetTimestamp();
                ProcessRow(csv, index, layout, row, envelopeFields, errors);
                if (timings is not null) timings.Validate += System.Diagnostics.Stopwatch.GetTimestamp() - t1;
            }

            if (errors.Count > 0)
            {
                rejected++;
                foreach (var (col, reason) in errors) quarantine.Add(new(fileName, line, col, reason));
                continue;
            }
            row[layout.LineOrdinal] = line.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var key = row[layout.KeyOrdinal]!;
            var t2 = System.Diagnostics.Stopwatch.GetTimestamp();
            var sealedEnvelope = envelope.Seal($"{schema.Name}|{key}", envelopeFields);
            var t3 = System.Diagnostics.Stopwatch.GetTimestamp();
            var at = await spool.AddAsync(row, sealedEnvelope, ct);
            if (timings is not null) { timings.Envelope += t3 - t2; timings.Spool += System.Diagnostics.Stopwatch.GetTimestamp() - t3; }
            pc4Codes.Add(functieOrdinal >= 0 && row[functieOrdinal] == "W" && row[layout.Pc4Ordinal] is { } pc4 ? int.Parse(pc4) : -1);
            var compact = UInt128.Parse(key.AsSpan(1), System.Globalization.NumberStyles.HexNumber);
            if (lastByKey.TryGetValue(compact, out var earlier)) { spool.Drop(earlier); duplicates++; }
            lastByKey[compact] = at;
        }

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
    }

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
    static long LineBreaksInValues(CsvReader csv)
    {
        long n = 0;
        for (var i = 0; i < csv.FieldCount; i++)
            if (csv.GetString(i) is { } v && v.Contains('\n')) n += v.AsSpan().Count('\n');
        return n;
    }

    void ProcessRow(CsvReader csv, Dictionary<string, int> index, TableLayout layout, string?[] row,
        Dictionary<string, string> envelopeFields, List<(string?, string)> errors)
    {
        string? Cell(string name) => index.TryGetValue(name, out var i) && csv.GetString(i) is { } v && v.Trim().Length > 0 ? v.Trim() : null;
        // A ligplaats (02) or standplaats (03) has no gebruiksdoel and no oppervlakte.
        var plaats = schema.Name == "bag" && Cell("verblijfsobject_id") is { Length: 16 } vbo && vbo.Substring(4, 2) is "02" or "03";

        foreach (var spec in schema.Columns)
        {
            if (Array.IndexOf(AddressParts, spec.Name) >= 0) continue; // handled together below
            var value = Cell(spec.Name);
            if (value is null)
            {
                if (spec.Required && index.ContainsKey(spec.Name) && !options.Optional.Contains(spec.Name) && !(plaats && spec.Name is "gebruiksdoelen" or "oppervlakte"))
                    errors.Add((spec.Name, $"{spec.Name} is required but empty"));
                continue;
            }
            if (!ColumnValues.TryNormalise(spec, value, out var normalised, out var reason))
            {
                errors.Add((spec.Name, reason!));
                continue;
            }
            switch (spec.Kind)
            {
                case ColumnKind.Id:
                    envelopeFields[spec.Name] = normalised;
                    row[layout.Ordinal(spec.Name)] = Pseudonym(ColumnValues.KindOf(spec.Type), normalised);
                    if (spec.Type == CellType.VerblijfsobjectId) { row[layout.VboGemeenteOrdinal] = normalised[..4]; row[layout.VboTypeOrdinal] = normalised.Substring(4, 2); }
                    break;
                case ColumnKind.Envelope:
                    envelopeFields[spec.Name] = normalised;
                    if (spec.Name == "geboortedatum" && layout.VolwassenOrdinal >= 0) row[layout.VolwassenOrdinal] = Adult(normalised);
                    break;
                default:
                    row[layout.Ordinal(spec.Name)] = normalised;
                    break;
            }
        }

        var anyAddress = AddressParts.Any(p => Cell(p) is not null);
        if (anyAddress && Cell("postcode") is null && options.Optional.Contains("postcode")) { } // no address key: linkable by id only
        else if (anyAddress)
        {
            if (Address.TryParse(Cell("postcode"), Cell("huisnummer"), Cell("huisletter"), Cell("huisnummertoevoeging"), out var address, out var col, out var reason))
            {
                envelopeFields["adres"] = address.Key;
                row[layout.AddressOrdinal] = Pseudonym(IdKind.Adres, address.Key);
                row[layout.Pc4Ordinal] = address.Postcode[..4];
            }
            else errors.Add((col, reason!));
        }
        else if (schema.Name == "bag") errors.Add(("postcode", "postcode and huisnummer are required"));

        if (schema.NeedsLocation && row[layout.Ordinal("verblijfsobject_id")] is null && !anyAddress && errors.Count == 0)
            errors.Add((null, "row has neither a verblijfsobject_id nor an address"));
        foreach (var group in schema.OneOfRequired)
            if (group.All(c => Cell(c) is null))
                errors.Add((null, $"row needs at least one of {string.Join(", ", group)}"));
    }

    /// <summary>18 or older on the peildatum: "true" / "false"; a partial birth date (year or month unknown) is null,
    /// which OVB counts as an adult (models.md v2).</summary>
    string? Adult(string birth)
    {
        if (options.Peildatum is not { } peil || !DateOnly.TryParseExact(birth, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var born))
            return null;
        return (born.AddYears(18) <= peil) ? "true" : "false";
    }

    BuildResult Rejected(string reason, long read, List<QuarantineEntry> quarantine, List<DiscardedColumn>? discarded = null, long rejected = 0) =>
        new(null, reason, read, rejected, 0, [], discarded ?? [], [], [], quarantine, new Dictionary<string, int>()) { ColumnsDelivered = headersSeen };
}
