using Parquet;
using Parquet.Schema;

namespace SignalPipeline.Analysis.Snapshots;

/// <summary>A stored snapshot read back into memory, column by column, for the nightly run and reveal. Parquet layout:
/// one nullable string column per table column plus <c>_envelope</c> (binary); written by <see cref="SnapshotSpool"/>.</summary>
public sealed class SnapshotTable
{
    public const string EnvelopeColumn = "_envelope";
    readonly Dictionary<string, string?[]> columns;
    readonly Dictionary<string, KeyColumn> keys;
    readonly byte[]?[]? envelopes;

    public IReadOnlyList<string> ColumnNames { get; }
    public int RowCount { get; }

    SnapshotTable(IReadOnlyList<string> names, string?[]?[] values, KeyColumn?[] keyValues, byte[]?[]? envelopes, int rows)
    {
        ColumnNames = names;
        columns = new Dictionary<string, string?[]>(StringComparer.Ordinal);
        keys = new Dictionary<string, KeyColumn>(StringComparer.Ordinal);
        for (var i = 0; i < names.Count; i++)
            if (keyValues[i] is { } k) keys[names[i]] = k;
            else columns[names[i]] = values[i]!;
        this.envelopes = envelopes;
        RowCount = rows;
    }

    /// <summary>The column's values, or all nulls when the file did not have it (or it was not read). A column read as
    /// keys is turned into strings on first use.</summary>
    public IReadOnlyList<string?> Column(string name) => Strings(name);

    /// <summary><see cref="Column"/> as the array it is: a loop over a million rows indexes it directly instead of
    /// through the list interface (a call per value, 6% of the link).</summary>
    public string?[] Strings(string name)
    {
        lock (columns)
        {
            if (columns.TryGetValue(name, out var c)) return c;
            if (keys.TryGetValue(name, out var k)) return columns[name] = Enumerable.Range(0, RowCount).Select(k.Text).ToArray();
            return absent ??= new string?[RowCount];
        }
    }
    string?[]? absent;

    /// <summary>The column as pseudonym values: as read when it was read as keys, else parsed from its strings; null when
    /// they are not all pseudonyms of one kind.</summary>
    public KeyColumn? Keys(string name)
    {
        lock (columns) if (keys.TryGetValue(name, out var k)) return k;
        return KeyColumn.Parse(Column(name));
    }

    public byte[]? Envelope(int row) => envelopes?[row];

    /// <summary>One row's values in <see cref="ColumnNames"/> order.</summary>
    public string?[] Row(int row) => ColumnNames.Select(c => Column(c)[row]).ToArray();

    /// <summary>Reads the named columns (all when null); the envelope only when asked for, since models never need it.
    /// Row groups are decoded side by side on every core when the stream can be opened more than once (a file or a
    /// memory buffer); values of columns with few distinct values (codes, statuses, dates) share one string each, so a
    /// million rows of "W" cost one string, not a million.</summary>
    /// <param name="asKeys">Columns of pseudonyms read as 128-bit values (<see cref="Keys"/>) instead of strings: join keys
    /// no model shows. A column that turns out to hold anything else is kept as strings.</param>
    public static async Task<SnapshotTable> ReadParquetAsync(Stream input, IReadOnlyCollection<string>? wanted = null, bool withEnvelope = false,
        IReadOnlyCollection<string>? asKeys = null, CancellationToken ct = default)
    {
        var opener = Reopener(input);
        // The first reader serves the schema and row counts, then reads row groups itself; further readers (one per
        // core, over their own streams) only when the bytes can be opened again.
        await using var firstReader = await ParquetReader.CreateAsync(opener?.Invoke() ?? input, null, opener is null, ct);
        var groupRows = new long[firstReader.RowGroupCount];
        for (var g = 0; g < groupRows.Length; g++) { using var group = firstReader.OpenRowGroupReader(g); groupRows[g] = group.RowCount; }
        var dataFields = firstReader.Schema.GetDataFields();
        var fields = dataFields.Where(f => f.Name != EnvelopeColumn && f.Name != "_scratch" && (wanted is null || wanted.Contains(f.Name))).ToArray();
        var envelopeField = withEnvelope ? dataFields.FirstOrDefault(f => f.Name == EnvelopeColumn) : null;
        var offsets = new int[groupRows.Length + 1];
        for (var g = 0; g < groupRows.Length; g++) offsets[g + 1] = checked(offsets[g] + (int)groupRows[g]);
        var rows = offsets[^1];
        var keyed = fields.Select(f => asKeys?.Contains(f.Name) == true).ToArray();
        var values = fields.Select((_, c) => keyed[c] ? null : new string?[rows]).ToArray();
        var keyReaders = fields.Select((_, c) => keyed[c] ? new KeyReader(rows) : null).ToArray();
        var envelopes = envelopeField is null ? null : new byte[]?[rows];

        // Where each wanted column's chunk lies in each row group, for the plain-page reader (PlainPages).
        var chunks = ChunkPlaces(firstReader, fields);

        async Task ReadGroups(ParquetReader reader, int first, int step)
        {
            var interned = fields.Select(_ => new Interner()).ToArray();
            var (chars, defined) = (Array.Empty<ReadOnlyMemory<char>>(), Array.Empty<int>());
            await using var raw = opener?.Invoke();
            var bytes = Array.Empty<byte>();
            for (var g = first; g < groupRows.Length; g += step)
            {
                using var group = reader.OpenRowGroupReader(g);
                var (start, n) = (offsets[g], (int)groupRows[g]);
                if (chars.Length < n) (chars, defined) = (new ReadOnlyMemory<char>[n], new int[n]);
                for (var c = 0; c < fields.Length; c++)
                {
                    // Our own snapshots: plain pages, decoded straight from their bytes (no array per value); anything
                    // else, or a chunk the plain reader refuses, through Parquet.Net.
                    if (raw is not null && chunks[g][c] is { } place)
                    {
                        if (bytes.Length < place.Length) bytes = new byte[place.Length];
                        raw.Position = place.Offset;
                        await raw.ReadExactlyAsync(bytes.AsMemory(0, place.Length), ct);
                        var chunk = bytes.AsSpan(0, place.Length);
                        var nullable = ((DataField)fields[c]).IsNullable;
                        if (keyReaders[c] is { } keys ? PlainPages.TryRead(chunk, place.Snappy, nullable, n, new KeySink(keys, start))
                            : PlainPages.TryRead(chunk, place.Snappy, nullable, n, new StringSink(interned[c], values[c]!, start))) continue;
                    }
                    // Raw: the present values packed, and a definition level per row (0 = null). Strings are made from
                    // the characters only for values not seen before, so a column of codes allocates a handful.
                    await group.ReadRawAsync<ReadOnlyMemory<char>>((DataField)fields[c], chars.AsMemory(0, n), defined.AsMemory(0, n), null, ct);
                    var definitions = ((DataField)fields[c]).IsNullable ? defined.AsSpan(0, n) : default;
                    if (keyReaders[c] is { } keyReader) keyReader.Fill(start, n, chars, definitions);
                    else interned[c].Fill(values[c].AsSpan(start, n), chars, definitions);
                }
                if (envelopeField is not null) await group.ReadAsync((DataField)envelopeField, envelopes!.AsMemory(start, n), null, ct);
            }
        }

        var workers = opener is null ? 1 : Math.Clamp(groupRows.Length, 1, Environment.ProcessorCount);
        await Task.WhenAll(Enumerable.Range(0, workers).Select(w => w == 0
            ? ReadGroups(firstReader, 0, workers)
            : Task.Run(async () =>
            {
                await using var reader = await ParquetReader.CreateAsync(opener!(), null, false, ct);
                await ReadGroups(reader, w, workers);
            }, ct)));
        return new SnapshotTable(fields.Select(f => f.Name).ToList(), values.Select((v, c) => v ?? keyReaders[c]!.Strings()).ToArray(),
            keyReaders.Select(k => k?.Keys()).ToArray(), envelopes, rows);
    }

    /// <summary>A column chunk of plain byte arrays: where it lies in the file and whether it is Snappy-compressed.</summary>
    sealed record ChunkPlace(long Offset, int Length, bool Snappy);

    /// <summary>Per row group, per wanted field: the place of its chunk when the plain-page reader may try it (a flat
    /// byte-array column without a dictionary page, uncompressed or Snappy), else null.</summary>
    static ChunkPlace?[][] ChunkPlaces(ParquetReader reader, Field[] fields)
    {
        var groups = reader.Metadata?.RowGroups ?? [];
        return groups.Select(group => fields.Select(field =>
        {
            if (field is not DataField { MaxRepetitionLevel: 0, MaxDefinitionLevel: <= 1 } data) return null;
            var chunk = group.Columns.FirstOrDefault(col => col.MetaData?.PathInSchema is [var name] && name == data.Name)?.MetaData;
            if (chunk is null || chunk.Type != Parquet.Meta.Type.BYTE_ARRAY || chunk.DictionaryPageOffset is not null
                || chunk.Codec is not (Parquet.Meta.CompressionCodec.SNAPPY or Parquet.Meta.CompressionCodec.UNCOMPRESSED)
                || chunk.TotalCompressedSize is <= 0 or > int.MaxValue) return null;
            return new ChunkPlace(chunk.DataPageOffset, (int)chunk.TotalCompressedSize, chunk.Codec == Parquet.Meta.CompressionCodec.SNAPPY);
        }).ToArray()).ToArray();
    }

    /// <summary>Plain-page values of a column read as pseudonym keys, into rows from <paramref name="start"/>.</summary>
    readonly struct KeySink(KeyReader keys, int start) : IValueSink
    {
        public void Value(int row, ReadOnlySpan<byte> utf8) => keys.Set(start + row, utf8);
        public void Null(int row) => keys.Clear(start + row);
    }

    /// <summary>Plain-page values of a column of strings, shared per distinct value, into rows from <paramref name="start"/>.</summary>
    readonly struct StringSink(Interner interner, string?[] target, int start) : IValueSink
    {
        public void Value(int row, ReadOnlySpan<byte> utf8) => target[start + row] = interner.Intern(utf8);
        public void Null(int row) => target[start + row] = null;
    }

    /// <summary>Independent streams over the same bytes, or null when the stream can be read only once.</summary>
    static Func<Stream>? Reopener(Stream input)
    {
        if (input is MemoryStream ms && ms.TryGetBuffer(out var buffer))
            return () => new MemoryStream(buffer.Array!, buffer.Offset, buffer.Count, writable: false);
        if (input is FileStream fs && File.Exists(fs.Name))
            return () => new FileStream(fs.Name, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.RandomAccess);
        return null;
    }

    /// <summary>Makes a column's strings, one per distinct value while a column has few of them; gives up sharing on
    /// columns of unique values (pseudonyms) after a few thousand. No definition levels: a required column, every row present.</summary>
    sealed class Interner
    {
        const int Limit = 4096;
        readonly Dictionary<string, string> seen = new(StringComparer.Ordinal);
        /// <summary>Short values (codes, dates, numbers: at most 16 UTF-8 bytes) by their bytes, direct-mapped, so the
        /// plain-page reader finds them without decoding them to characters and hashing those (a fifth of the read).</summary>
        ShortValue[]? shortSeen;
        bool unique;

        string? previous;

        public void Fill(Span<string?> target, ReadOnlyMemory<char>[] present, ReadOnlySpan<int> defined)
        {
            for (int i = 0, j = 0; i < target.Length; i++)
                target[i] = !defined.IsEmpty && defined[i] == 0 ? null : Intern(present[j++].Span);
        }

        /// <summary>The shared string of a value (a new one once the column turned out to be of unique values).</summary>
        public string Intern(ReadOnlySpan<char> chars)
        {
            if (unique) return new string(chars);
            // Codes come in runs (one gemeente, mostly "W"): the previous value is checked before the table.
            if (previous is not null && chars.SequenceEqual(previous)) return previous;
            var lookup = seen.GetAlternateLookup<ReadOnlySpan<char>>();
            if (!lookup.TryGetValue(chars, out var value))
            {
                value = new string(chars);
                Remember(value);
            }
            return previous = value;
        }

        /// <summary><see cref="Intern(ReadOnlySpan{char})"/> of a value's UTF-8 bytes (a plain page).</summary>
        public string Intern(ReadOnlySpan<byte> utf8)
        {
            // A column of unique values (ids): decoded once, straight to its string.
            if (unique) return System.Text.Encoding.UTF8.GetString(utf8);
            if (ShortValue.TryKey(utf8, out var low, out var high))
            {
                shortSeen ??= new ShortValue[ShortValue.Slots];
                ref var slot = ref shortSeen[ShortValue.Slot(low, high, utf8.Length)];
                if (slot.Value is { } hit && slot.Low == low && slot.High == high && slot.Length == utf8.Length) return hit;
                var value = Chars(utf8);
                if (!unique) slot = new ShortValue(low, high, utf8.Length, value);
                return value;
            }
            return Chars(utf8);
        }

        string Chars(ReadOnlySpan<byte> utf8)
        {
            if (utf8.Length > 256) return Intern(System.Text.Encoding.UTF8.GetString(utf8));
            Span<char> chars = stackalloc char[utf8.Length];
            return Intern(chars[..System.Text.Encoding.UTF8.GetChars(utf8, chars)]);
        }

        void Remember(string value)
        {
            if (seen.Count < Limit) seen[value] = value;
            else { unique = true; shortSeen = null; }
        }
    }

    /// <summary>A cached value of at most 16 UTF-8 bytes, keyed by its first and last eight bytes and its length (which
    /// together are all of its bytes).</summary>
    readonly record struct ShortValue(ulong Low, ulong High, int Length, string? Value)
    {
        public const int Slots = 4096;

        public static bool TryKey(ReadOnlySpan<byte> utf8, out ulong low, out ulong high)
        {
            (low, high) = (0, 0);
            if (utf8.Length > 16) return false;
            if (utf8.Length >= 8)
            {
                low = System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(utf8);
                high = System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(utf8[^8..]);
            }
            else for (var i = 0; i < utf8.Length; i++) low |= (ulong)utf8[i] << (8 * i);
            return true;
        }

        public static int Slot(ulong low, ulong high, int length) =>
            (int)(((low * 0x9E3779B97F4A7C15UL) ^ (high * 0xC2B2AE3D27D4EB4FUL) ^ ((ulong)length << 59)) >> 52) & (Slots - 1);
    }

    /// <summary>Reads a column of pseudonyms as their values; row groups may be filled from several threads (each its own
    /// rows). Anything that is not a pseudonym of the column's kind is kept as text, and the column then stays strings.</summary>
    sealed class KeyReader(int rows)
    {
        readonly UInt128[] values = new UInt128[rows];
        readonly bool[] present = new bool[rows];
        string?[]? odd;
        int kind; // the first kind letter seen

        public void Fill(int start, int n, ReadOnlyMemory<char>[] chars, ReadOnlySpan<int> defined)
        {
            for (int i = 0, j = 0; i < n; i++)
                if (defined.IsEmpty || defined[i] != 0) Set(start + i, chars[j++].Span);
        }

        /// <summary>One row's value from its characters (Parquet.Net's reader).</summary>
        public void Set(int row, ReadOnlySpan<char> text)
        {
            if (Privacy.Pseudonymiser.TryValue(text, out values[row]) && SameKind(text[0])) present[row] = true;
            else Odd(row, new string(text));
        }

        /// <summary>One row's value from its UTF-8 bytes (the plain-page reader).</summary>
        public void Set(int row, ReadOnlySpan<byte> utf8)
        {
            if (Privacy.Pseudonymiser.TryValue(utf8, out values[row]) && SameKind((char)utf8[0])) present[row] = true;
            else Odd(row, System.Text.Encoding.UTF8.GetString(utf8));
        }

        /// <summary>A value that is not a pseudonym of the column's kind: kept as text, and the column stays strings.</summary>
        void Odd(int row, string text)
        {
            present[row] = false;
            Interlocked.CompareExchange(ref odd, new string?[values.Length], null);
            odd[row] = text;
        }

        public void Clear(int row) => present[row] = false;

        bool SameKind(char letter)
        {
            var seen = Interlocked.CompareExchange(ref kind, letter, 0);
            return seen == 0 || seen == letter;
        }

        /// <summary>The values as keys, or null when the column must stay strings.</summary>
        public KeyColumn? Keys() => odd is null ? KeyColumn.Of((char)kind, values, present) : null;

        public string?[]? Strings()
        {
            if (Keys() is not null) return null;
            var strings = odd ?? new string?[values.Length];
            for (var i = 0; i < strings.Length; i++) if (present[i]) strings[i] = KeyColumn.Format((char)kind, values[i]);
            return strings;
        }
    }
}
