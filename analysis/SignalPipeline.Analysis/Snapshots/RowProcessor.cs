using System.Globalization;
using SignalPipeline.Analysis.Extracts;
using SignalPipeline.Analysis.Privacy;

namespace SignalPipeline.Analysis.Snapshots;

/// <summary>Delivered rows of one batch, as the parser copied them: the cells and the line each row starts on.</summary>
sealed class RowBatch(int capacity)
{
    public readonly string?[][] Cells = new string?[capacity][];
    public readonly long[] Lines = new long[capacity];
    public int Count;
    public bool Full => Count == Cells.Length;
}

/// <summary>What became of each row of a batch: its snapshot row (column by column: <c>Columns[c][r]</c>), envelope,
/// dedup key and PC4 code, or why it was rejected.</summary>
sealed class ProcessedBatch(RowBatch batch, int columns)
{
    public readonly RowBatch Batch = batch;
    public readonly string?[][] Columns = NewColumns(columns, batch.Count);
    public readonly byte[]?[] Envelopes = new byte[]?[batch.Count];
    public readonly UInt128[] Keys = new UInt128[batch.Count];
    public readonly int[] Pc4 = new int[batch.Count];
    public readonly List<(string? Column, string Reason)>?[] Errors = new List<(string?, string)>?[batch.Count];
    public long ValidateTicks, PseudonymiseTicks, EnvelopeTicks;

    static string?[][] NewColumns(int columns, int rows)
    {
        var all = new string?[columns][];
        for (var c = 0; c < columns; c++) all[c] = new string?[rows];
        return all;
    }
}

/// <summary>validate → minimise → pseudonymise → envelope for a batch of rows, from their delivered cells. Independent
/// of every other batch, so batches run side by side on every core; the builder puts the results back in delivery order.
/// Plain identifiers live only in the batch (its cells, its queue of identifiers to pseudonymise, its envelope fields)
/// and the sealed envelopes.</summary>
sealed class RowProcessor
{
    static readonly string[] AddressParts = ["postcode", "huisnummer", "huisletter", "huisnummertoevoeging"];
    readonly SourceSchema schema;
    readonly TableLayout layout;
    readonly IngestOptions options;
    readonly Pseudonymiser pseudonymiser;
    readonly IdentityEnvelope envelope;
    readonly bool timed;
    // Per schema column (schema order): its position in the delivered row or -1, and its ordinal in the snapshot row.
    readonly ColumnSpec[] specs;
    readonly int[] cellIndex, ordinal;
    // Per schema column: an address part (postcode, huisnummer, …), handled together after the others.
    readonly bool[] addressPart;
    readonly int postcode, huisnummer, huisletter, toevoeging, vbo, functie, vboOrdinal;
    readonly int[][] oneOf;
    readonly bool anyAddressColumn;
    readonly string associatedPrefix;

    public RowProcessor(SourceSchema schema, Dictionary<string, int> index, TableLayout layout, IngestOptions options, Pseudonymiser pseudonymiser, IdentityEnvelope envelope)
    {
        (this.schema, this.layout, this.options, this.pseudonymiser, this.envelope) = (schema, layout, options, pseudonymiser, envelope);
        timed = options.Timings is not null;
        specs = schema.Columns.ToArray();
        int At(string name) => index.TryGetValue(name, out var i) ? i : -1;
        cellIndex = specs.Select(s => At(s.Name)).ToArray();
        ordinal = specs.Select(s => layout.Ordinal(s.Name)).ToArray();
        addressPart = specs.Select(s => AddressParts.Contains(s.Name)).ToArray();
        (postcode, huisnummer, huisletter, toevoeging, vbo) = (At("postcode"), At("huisnummer"), At("huisletter"), At("huisnummertoevoeging"), At("verblijfsobject_id"));
        anyAddressColumn = postcode >= 0 || huisnummer >= 0 || huisletter >= 0 || toevoeging >= 0;
        oneOf = schema.OneOfRequired.Select(g => g.Select(At).ToArray()).ToArray();
        functie = layout.Columns.ToList().IndexOf("functie_adres");
        vboOrdinal = layout.Ordinal("verblijfsobject_id");
        associatedPrefix = schema.Name + "|";
    }

    /// <summary>Three passes over the batch: validate every row (its identifiers queued, not yet pseudonymised), then
    /// pseudonymise the whole queue side by side (<see cref="Pseudonymiser.PseudonymiseMany"/>), then seal each accepted
    /// row's envelope. The plain values live in the batch's cells, the queue and the envelope fields, all dropped when
    /// the batch is done.</summary>
    public ProcessedBatch Process(RowBatch batch)
    {
        var result = new ProcessedBatch(batch, layout.Columns.Count);
        var ids = new PendingIds(batch.Count * 2);
        var fields = new List<KeyValuePair<string, string>>(batch.Count * 4);
        var fieldsEnd = new int[batch.Count];
        // One row's values, reused for every row of the batch; an accepted row is copied into the batch's columns.
        var row = new string?[layout.Columns.Count];
        var t0 = timed ? System.Diagnostics.Stopwatch.GetTimestamp() : 0;
        for (var r = 0; r < batch.Count; r++)
        {
            var (fieldsAtStart, idsAtStart) = (fields.Count, ids.Count);
            Array.Clear(row);
            List<(string?, string)>? errors = null;
            Validate(batch.Cells[r], r, row, fields, ids, ref errors);
            if (errors is not null)
            {
                result.Errors[r] = errors;
                fields.RemoveRange(fieldsAtStart, fields.Count - fieldsAtStart);
                ids.Truncate(idsAtStart);
                continue;
            }
            fieldsEnd[r] = fields.Count;
            row[layout.LineOrdinal] = batch.Lines[r].ToString(CultureInfo.InvariantCulture);
            for (var c = 0; c < row.Length; c++) result.Columns[c][r] = row[c];
            result.Pc4[r] = functie >= 0 && row[functie] == "W" && row[layout.Pc4Ordinal] is { } pc4 ? int.Parse(pc4, CultureInfo.InvariantCulture) : -1;
        }
        var t1 = timed ? System.Diagnostics.Stopwatch.GetTimestamp() : 0;

        var pseudonyms = ids.Pseudonymise(pseudonymiser);
        for (var i = 0; i < pseudonyms.Length; i++) result.Columns[ids.Ordinals[i]][ids.Rows[i]] = pseudonyms[i];
        var t2 = timed ? System.Diagnostics.Stopwatch.GetTimestamp() : 0;

        var allFields = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(fields);
        for (int r = 0, from = 0; r < batch.Count; r++)
        {
            if (result.Errors[r] is not null) continue;
            var key = result.Columns[layout.KeyOrdinal][r]!;
            result.Envelopes[r] = envelope.Seal(associatedPrefix, key, allFields[from..fieldsEnd[r]]);
            from = fieldsEnd[r];
            if (!Pseudonymiser.TryValue(key, out result.Keys[r])) throw new InvalidOperationException("the key column was not pseudonymised");
        }
        // The plain values are not kept beyond their batch.
        Array.Clear(batch.Cells, 0, batch.Count);
        fields.Clear();
        ids.Clear();
        if (timed)
        {
            var t3 = System.Diagnostics.Stopwatch.GetTimestamp();
            (result.ValidateTicks, result.PseudonymiseTicks, result.EnvelopeTicks) = (t1 - t0, t2 - t1, t3 - t2);
        }
        return result;
    }

    /// <summary>The identifiers of a batch waiting for their pseudonyms: kind, normalised value, and where the pseudonym goes.</summary>
    sealed class PendingIds(int capacity)
    {
        readonly List<IdKind> kinds = new(capacity);
        readonly List<string> values = new(capacity);
        public readonly List<int> Rows = new(capacity), Ordinals = new(capacity);
        public int Count => values.Count;

        public void Add(int row, int ordinal, IdKind kind, string value) { Rows.Add(row); Ordinals.Add(ordinal); kinds.Add(kind); values.Add(value); }

        /// <summary>Forgets the identifiers queued after the first <paramref name="count"/> (a row that was rejected).</summary>
        public void Truncate(int count)
        {
            var n = values.Count - count;
            Rows.RemoveRange(count, n); Ordinals.RemoveRange(count, n); kinds.RemoveRange(count, n); values.RemoveRange(count, n);
        }

        public string[] Pseudonymise(Pseudonymiser pseudonymiser)
        {
            var pseudonyms = new string[values.Count];
            pseudonymiser.PseudonymiseMany(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(kinds), System.Runtime.InteropServices.CollectionsMarshal.AsSpan(values), pseudonyms);
            return pseudonyms;
        }

        public void Clear() { Rows.Clear(); Ordinals.Clear(); kinds.Clear(); values.Clear(); }
    }

    static string? Trimmed(string?[] cells, int i) => i >= 0 && cells[i] is { } v && (v = v.Trim()).Length > 0 ? v : null;

    void Validate(string?[] cells, int r, string?[] row, List<KeyValuePair<string, string>> fields, PendingIds ids, ref List<(string?, string)>? errors)
    {
        var hasVbo = false;
        void Error(ref List<(string?, string)>? list, string? column, string reason) => (list ??= []).Add((column, reason));
        // A ligplaats (02) or standplaats (03) has no gebruiksdoel and no oppervlakte.
        var plaats = schema.Name == "bag" && Trimmed(cells, vbo) is { Length: 16 } id && id.AsSpan(4, 2) is "02" or "03";

        for (var s = 0; s < specs.Length; s++)
        {
            var spec = specs[s];
            if (addressPart[s]) continue; // handled together below
            var value = Trimmed(cells, cellIndex[s]);
            if (value is null)
            {
                if (spec.Required && cellIndex[s] >= 0 && !options.Optional.Contains(spec.Name) && !(plaats && spec.Name is "gebruiksdoelen" or "oppervlakte"))
                    Error(ref errors, spec.Name, $"{spec.Name} is required but empty");
                continue;
            }
            if (!ColumnValues.TryNormalise(spec, value, out var normalised, out var reason))
            {
                Error(ref errors, spec.Name, reason!);
                continue;
            }
            switch (spec.Kind)
            {
                case ColumnKind.Id:
                    fields.Add(new(spec.Name, normalised));
                    ids.Add(r, ordinal[s], ColumnValues.KindOf(spec.Type), normalised);
                    hasVbo |= ordinal[s] == vboOrdinal;
                    if (spec.Type == CellType.VerblijfsobjectId) { row[layout.VboGemeenteOrdinal] = SharedCodes.FourDigits(normalised.AsSpan(0, 4)); row[layout.VboTypeOrdinal] = SharedCodes.BagType(normalised.AsSpan(4, 2)); }
                    break;
                case ColumnKind.Envelope:
                    fields.Add(new(spec.Name, normalised));
                    if (spec.Name == "geboortedatum" && layout.VolwassenOrdinal >= 0) row[layout.VolwassenOrdinal] = Adult(normalised);
                    break;
                default:
                    row[ordinal[s]] = normalised;
                    break;
            }
        }

        var (pc, hn, hl, ht) = (Trimmed(cells, postcode), Trimmed(cells, huisnummer), Trimmed(cells, huisletter), Trimmed(cells, toevoeging));
        var anyAddress = anyAddressColumn && (pc ?? hn ?? hl ?? ht) is not null;
        if (anyAddress && pc is null && options.Optional.Contains("postcode")) { } // no address key: linkable by id only
        else if (anyAddress)
        {
            if (Address.TryParse(pc, hn, hl, ht, out var address, out var col, out var reason))
            {
                var addressKey = address.Key;
                fields.Add(new("adres", addressKey));
                ids.Add(r, layout.AddressOrdinal, IdKind.Adres, addressKey);
                row[layout.Pc4Ordinal] = SharedCodes.FourDigits(address.Postcode.AsSpan(0, 4));
            }
            else Error(ref errors, col, reason!);
        }
        else if (schema.Name == "bag") Error(ref errors, "postcode", "postcode and huisnummer are required");

        if (schema.NeedsLocation && !hasVbo && !anyAddress && errors is null)
            Error(ref errors, null, "row has neither a verblijfsobject_id nor an address");
        for (var g = 0; g < oneOf.Length; g++)
            if (!AnyPresent(cells, oneOf[g]))
                Error(ref errors, null, $"row needs at least one of {string.Join(", ", schema.OneOfRequired[g])}");
    }

    static bool AnyPresent(string?[] cells, int[] positions)
    {
        foreach (var i in positions) if (Trimmed(cells, i) is not null) return true;
        return false;
    }

    /// <summary>18 or older on the peildatum: "true" / "false"; a partial birth date (year or month unknown) is null,
    /// which OVB counts as an adult (models.md v2).</summary>
    string? Adult(string birth)
    {
        if (options.Peildatum is not { } peil || !DateOnly.TryParseExact(birth, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var born))
            return null;
        return (born.AddYears(18) <= peil) ? "true" : "false";
    }
}
