using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace SignalPipeline.Analysis.Snapshots;

/// <summary>Writes a snapshot's Parquet file the way <see cref="PlainPages"/> reads it: every column optional
/// BYTE_ARRAY (text as UTF-8 strings, the envelope as plain bytes), one PLAIN data page per column per row group with RLE
/// definition levels, no dictionary and no min/max statistics. A text column is Snappy-compressed when that pays: its first
/// chunk is tried, and a column Snappy shrinks by less than a fifth (pseudonyms: ~12%, being random hex) is stored as it is
/// from then on, as is the envelope column (sealed bytes do not compress: 0.3%). Codes and dates shrink 3-15×.
/// Parquet.Net wrote the same layout before (docs/performance.md, issue 17, sixth step), but went through a character
/// array per value and computed statistics nobody reads: a fifth of the ingest's processor time.</summary>
public sealed class PlainParquetWriter(Stream output, IReadOnlyList<string> textColumns, string? binaryColumn)
{
    const int ByteArray = 6, Optional = 1, Utf8 = 0, DataPage = 0, Plain = 0, Rle = 3, Uncompressed = 0, Snappy = 1;
    static readonly byte[] Magic = "PAR1"u8.ToArray();

    /// <summary>Below this share of the original size a compressed chunk is worth the reader's and the writer's time.</summary>
    const double WorthCompressing = 0.8;
    readonly List<RowGroup> groups = [];
    /// <summary>Per text column: compressed while unknown (null) or worth it (true).</summary>
    readonly bool?[] compressing = new bool?[textColumns.Count];
    long position;
    byte[] page = new byte[1 << 16];
    byte[] packed = new byte[1 << 16];
    readonly ArrayBufferWriter<byte> buffer = new(1 << 20);

    sealed record Chunk(string Name, int Codec, long Offset, long Uncompressed, long Compressed, int Values, int Nulls);
    sealed record RowGroup(List<Chunk> Chunks, int Rows);

    /// <summary>Writes rows <paramref name="start"/>..+<paramref name="count"/> of the columns (in the order given to the
    /// constructor) as one row group.</summary>
    public async Task WriteRowGroupAsync(IReadOnlyList<string?[]> text, byte[]?[]? binary, int start, int count, CancellationToken ct = default)
    {
        if (text.Count != textColumns.Count || (binary is null) != (binaryColumn is null))
            throw new ArgumentException("the row group's columns differ from the file's");
        buffer.ResetWrittenCount();
        if (position == 0) buffer.Write(Magic);
        var chunks = new List<Chunk>(text.Count + 1);
        for (var c = 0; c < text.Count; c++)
        {
            var size = Body(text[c].AsSpan(start, count), out var nulls);
            chunks.Add(Page(textColumns[c], page.AsSpan(0, size), count, nulls, ref compressing[c]));
        }
        if (binary is not null)
        {
            var size = Body(binary.AsSpan(start, count), out var nulls);
            bool? never = false;
            chunks.Add(Page(binaryColumn!, page.AsSpan(0, size), count, nulls, ref never));
        }
        groups.Add(new RowGroup(chunks, count));
        await Flush(ct);
    }

    /// <summary>Writes the footer; the file is complete (an empty file has no row groups).</summary>
    public async Task FinishAsync(CancellationToken ct = default)
    {
        buffer.ResetWrittenCount();
        if (position == 0) buffer.Write(Magic);
        var footerStart = buffer.WrittenCount;
        new ThriftCompact(buffer).Root(w => w
            .Int(1, 1)
            .Structs(2, Schema(), (s, e) => e(s))
            .Long(3, groups.Sum(g => (long)g.Rows))
            .Structs(4, groups, (rg, g) => rg
                .Structs(1, g.Chunks, (cc, c) => cc
                    .Long(2, c.Offset)
                    .Struct(3, m => m
                        .Int(1, ByteArray)
                        .Ints(2, [Plain, Rle])
                        .Strings(3, [c.Name])
                        .Int(4, c.Codec)
                        .Long(5, c.Values)
                        .Long(6, c.Uncompressed)
                        .Long(7, c.Compressed)
                        .Long(9, c.Offset)
                        .Struct(12, s => s.Long(3, c.Nulls))))
                .Long(2, g.Chunks.Sum(c => c.Uncompressed))
                .Long(3, g.Rows)
                .Long(5, g.Chunks[0].Offset)
                .Long(6, g.Chunks.Sum(c => c.Compressed)))
            .String(6, "SignalPipeline plain pages (Parquet.Net layout)"));
        var footerLength = buffer.WrittenCount - footerStart;
        BinaryPrimitives.WriteInt32LittleEndian(buffer.GetSpan(4), footerLength);
        buffer.Advance(4);
        buffer.Write(Magic);
        await Flush(ct);
    }

    /// <summary>Schema elements: the root, then one optional byte-array leaf per column (text annotated as UTF-8).</summary>
    List<Action<ThriftCompact>> Schema()
    {
        var elements = new List<Action<ThriftCompact>> { w => w.String(4, "root").Int(5, textColumns.Count + (binaryColumn is null ? 0 : 1)) };
        foreach (var name in textColumns)
            elements.Add(w => w.Int(1, ByteArray).Int(3, Optional).String(4, name).Int(6, Utf8).Struct(10, l => l.Struct(1, _ => { })));
        if (binaryColumn is not null) elements.Add(w => w.Int(1, ByteArray).Int(3, Optional).String(4, binaryColumn));
        return elements;
    }

    async Task Flush(CancellationToken ct)
    {
        await output.WriteAsync(buffer.WrittenMemory, ct);
        position += buffer.WrittenCount;
    }

    /// <summary>A page's body in <see cref="page"/>: the definition levels, then each present value as a 4-byte length and
    /// its bytes (text as UTF-8, an envelope as it is). Returns its size.</summary>
    int Body<T>(ReadOnlySpan<T> values, out int nulls) where T : class
    {
        Reserve(ref page, 16 + (values.Length + 7) / 8);
        var size = Levels(values, page, out nulls);
        foreach (var v in values)
        {
            int length;
            switch (v)
            {
                case string text:
                    Reserve(ref page, size + 4 + Encoding.UTF8.GetMaxByteCount(text.Length));
                    length = Encoding.UTF8.GetBytes(text, page.AsSpan(size + 4));
                    break;
                case byte[] bytes:
                    Reserve(ref page, size + 4 + bytes.Length);
                    bytes.CopyTo(page.AsSpan(size + 4));
                    length = bytes.Length;
                    break;
                default: continue; // null
            }
            BinaryPrimitives.WriteInt32LittleEndian(page.AsSpan(size), length);
            size += 4 + length;
        }
        return size;
    }

    /// <summary>The definition levels (bit width 1) in front of the values: a 4-byte length, then one RLE run when every row
    /// is alike, else the rows bit-packed, eight to a byte. Returns where the values start.</summary>
    static int Levels<T>(ReadOnlySpan<T> values, byte[] target, out int nulls) where T : class
    {
        nulls = 0;
        foreach (var v in values) if (v is null) nulls++;
        var at = 4;
        if (nulls == 0 || nulls == values.Length)
        {
            at = Varint(target, at, (uint)values.Length << 1);
            target[at++] = (byte)(nulls == 0 ? 1 : 0);
        }
        else
        {
            var bytes = (values.Length + 7) / 8;
            at = Varint(target, at, (uint)bytes << 1 | 1);
            Array.Clear(target, at, bytes);
            for (var i = 0; i < values.Length; i++)
                if (values[i] is not null) target[at + (i >> 3)] |= (byte)(1 << (i & 7));
            at += bytes;
        }
        BinaryPrimitives.WriteInt32LittleEndian(target, at - 4);
        return at;
    }

    static int Varint(byte[] target, int at, uint v)
    {
        while (v >= 0x80) { target[at++] = (byte)(v | 0x80); v >>= 7; }
        target[at++] = (byte)v;
        return at;
    }

    /// <summary>Appends a page (header and body) to the row group's bytes and returns its column chunk; the first chunk of
    /// a column that may be compressed decides whether the column is (<paramref name="compress"/>).</summary>
    Chunk Page(string name, ReadOnlySpan<byte> body, int values, int nulls, ref bool? compress)
    {
        if (compress != false)
        {
            Reserve(ref packed, Snappier.Snappy.GetMaxCompressedLength(body.Length));
            var length = Snappier.Snappy.Compress(body, packed);
            compress ??= length < WorthCompressing * body.Length;
            if (compress == true) return Append(name, Snappy, packed.AsSpan(0, length), body.Length, values, nulls);
        }
        return Append(name, Uncompressed, body, body.Length, values, nulls);
    }

    Chunk Append(string name, int codec, ReadOnlySpan<byte> stored, int uncompressed, int values, int nulls)
    {
        var offset = position + buffer.WrittenCount;
        var headerStart = buffer.WrittenCount;
        var storedLength = stored.Length;
        new ThriftCompact(buffer).Root(h => h
            .Int(1, DataPage)
            .Int(2, uncompressed)
            .Int(3, storedLength)
            .Struct(5, d => d.Int(1, values).Int(2, Plain).Int(3, Rle).Int(4, Rle)));
        var header = buffer.WrittenCount - headerStart;
        buffer.Write(stored);
        return new Chunk(name, codec, offset, header + uncompressed, header + stored.Length, values, nulls);
    }

    /// <summary>Grows the array (keeping its bytes) to hold at least <paramref name="size"/>.</summary>
    static void Reserve(ref byte[] array, int size)
    {
        if (array.Length < size) Array.Resize(ref array, Math.Max(size, array.Length * 2));
    }
}
