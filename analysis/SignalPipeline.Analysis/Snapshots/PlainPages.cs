using System.Buffers;
using System.Buffers.Binary;

namespace SignalPipeline.Analysis.Snapshots;

/// <summary>Receives the values of a column chunk, row by row: a value's UTF-8 bytes, or nothing for a null. The readers
/// take a sink as a type argument: a struct sink is then called directly, not through the interface, once per value.</summary>
interface IValueSink
{
    void Value(int row, ReadOnlySpan<byte> utf8);
    void Null(int row);
}

/// <summary>Decodes a Parquet column chunk of plain-encoded byte arrays straight from its bytes, as
/// <see cref="SnapshotSpool"/> writes every string column: data pages (v1 or v2) of PLAIN values with RLE definition
/// levels, Snappy-compressed or not, no dictionary, not nested. Parquet.Net's own reader gives every value of such a
/// column its own character array (~12 million for a city's nightly), and that, not the decoding, was most of the
/// nightly's read (docs/performance.md, issue 17). Anything else — a dictionary page, another codec or encoding, a
/// malformed header — returns false before a value is handed on, and the caller reads the chunk with Parquet.Net.</summary>
static class PlainPages
{
    const int DataPage = 0, DictionaryPage = 2, DataPageV2 = 3;
    const int Plain = 0, Rle = 3;

    /// <summary>Hands every row of the chunk to <paramref name="sink"/>; false when the chunk is not one this reader knows
    /// (headers, sizes, encodings, value and row counts are all checked). Rows may have been handed on before a false:
    /// the caller then reads the whole chunk again with Parquet.Net, which sets every row.</summary>
    public static bool TryRead<TSink>(ReadOnlySpan<byte> chunk, bool snappy, bool nullable, int rows, TSink sink) where TSink : IValueSink
    {
        var row = 0;
        byte[]? buffer = null;
        try
        {
            while (chunk.Length > 0 && row < rows)
            {
                if (!PageHeader.TryRead(ref chunk, out var header) || header.CompressedSize < 0 || header.CompressedSize > chunk.Length) return false;
                var body = chunk[..header.CompressedSize];
                chunk = chunk[header.CompressedSize..];
                if (header.Type == DictionaryPage || header.Type is not (DataPage or DataPageV2)) return false;
                if (header.Encoding != Plain || header.Values <= 0 || row + header.Values > rows) return false;
                ReadOnlySpan<byte> levels = default, values;
                if (header.Type == DataPage)
                {
                    if (nullable && header.LevelEncoding != Rle) return false;
                    if (!Decompress(body, snappy, header.UncompressedSize, ref buffer, out var size)) return false;
                    var page = snappy ? buffer.AsSpan(0, size) : body;
                    values = page;
                    if (nullable)
                    {
                        if (page.Length < 4) return false;
                        var length = BinaryPrimitives.ReadInt32LittleEndian(page);
                        if (length < 0 || length > page.Length - 4) return false;
                        levels = page.Slice(4, length);
                        values = page[(4 + length)..];
                    }
                }
                else
                {
                    if (header.RepetitionBytes != 0 || header.DefinitionBytes < 0 || header.DefinitionBytes > body.Length) return false;
                    if (!nullable && header.DefinitionBytes != 0) return false;
                    levels = body[..header.DefinitionBytes];
                    var rest = body[header.DefinitionBytes..];
                    var compressed = snappy && header.Compressed;
                    if (!Decompress(rest, compressed, header.UncompressedSize - header.DefinitionBytes, ref buffer, out var size)) return false;
                    values = compressed ? buffer.AsSpan(0, size) : rest;
                }
                if (!Values(levels, values, nullable, row, header.Values, sink)) return false;
                row += header.Values;
            }
            return row == rows;
        }
        finally
        {
            if (buffer is not null) ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Decompresses a Snappy page body into the pooled <paramref name="buffer"/> (nothing to do when not compressed).</summary>
    static bool Decompress(ReadOnlySpan<byte> body, bool snappy, int expected, ref byte[]? buffer, out int size)
    {
        size = body.Length;
        if (!snappy) return true;
        if (expected < 0) return false;
        if (buffer is null || buffer.Length < expected)
        {
            if (buffer is not null) ArrayPool<byte>.Shared.Return(buffer);
            buffer = ArrayPool<byte>.Shared.Rent(Math.Max(expected, 1));
        }
        try
        {
            if (Snappier.Snappy.GetUncompressedLength(body) != expected) return false;
            size = Snappier.Snappy.Decompress(body, buffer);
            return size == expected;
        }
        catch (InvalidDataException) { return false; }
    }

    /// <summary>One page's values: with definition levels (RLE / bit-packed hybrid, bit width 1), the present values are
    /// PLAIN byte arrays (a 4-byte little-endian length, then the bytes) in row order.</summary>
    static bool Values<TSink>(ReadOnlySpan<byte> levels, ReadOnlySpan<byte> values, bool nullable, int first, int count, TSink sink) where TSink : IValueSink
    {
        var at = 0;
        if (!nullable)
        {
            for (var i = 0; i < count; i++)
                if (!Emit(true, values, ref at, first + i, sink)) return false;
            return at == values.Length;
        }
        var done = 0;
        while (done < count)
        {
            if (!TryVarint(ref levels, out var runHeader)) return false;
            if ((runHeader & 1) == 0)
            {
                // A run of one level (one byte for bit width 1).
                var run = (int)Math.Min(runHeader >> 1, (uint)(count - done));
                if (levels.Length < 1 || levels[0] > 1) return false;
                var present = levels[0] == 1;
                levels = levels[1..];
                for (var i = 0; i < run; i++, done++)
                    if (!Emit(present, values, ref at, first + done, sink)) return false;
            }
            else
            {
                // Bit-packed groups of eight levels, one bit each, least significant first.
                var groups = (int)(runHeader >> 1);
                if (levels.Length < groups) return false;
                for (var b = 0; b < groups; b++)
                    for (var bit = 0; bit < 8 && done < count; bit++, done++)
                        if (!Emit((levels[b] & (1 << bit)) != 0, values, ref at, first + done, sink)) return false;
                levels = levels[groups..];
            }
        }
        return at == values.Length;
    }

    /// <summary>Hands one row on: a null, or the next value.</summary>
    static bool Emit<TSink>(bool present, ReadOnlySpan<byte> values, ref int at, int row, TSink sink) where TSink : IValueSink
    {
        if (!present) { sink.Null(row); return true; }
        if (!Next(values, ref at, out var value)) return false;
        sink.Value(row, value);
        return true;
    }

    /// <summary>The next PLAIN byte array: a 4-byte little-endian length, then the bytes.</summary>
    static bool Next(ReadOnlySpan<byte> values, ref int at, out ReadOnlySpan<byte> value)
    {
        value = default;
        if (values.Length - at < 4) return false;
        var length = BinaryPrimitives.ReadInt32LittleEndian(values[at..]);
        if (length < 0 || length > values.Length - at - 4) return false;
        value = values.Slice(at + 4, length);
        at += 4 + length;
        return true;
    }

    /// <summary>An unsigned LEB128 varint that fits 32 bits (RLE run headers, Thrift lengths and sizes).</summary>
    static bool TryVarint(ref ReadOnlySpan<byte> data, out uint value)
    {
        value = 0;
        if (!TryVarint64(ref data, out ulong wide) || wide > uint.MaxValue) return false;
        value = (uint)wide;
        return true;
    }

    static bool TryVarint64(ref ReadOnlySpan<byte> data, out ulong value)
    {
        value = 0;
        for (var shift = 0; shift < 70; shift += 7)
        {
            if (data.IsEmpty) return false;
            var b = data[0];
            data = data[1..];
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0) return true;
        }
        return false;
    }

    /// <summary>The fields of a page header this reader needs, from the Thrift compact protocol (unknown fields skipped).</summary>
    struct PageHeader
    {
        public int Type, UncompressedSize, CompressedSize, Values, Encoding, LevelEncoding, DefinitionBytes, RepetitionBytes;
        public bool Compressed;

        public static bool TryRead(ref ReadOnlySpan<byte> data, out PageHeader header)
        {
            header = new PageHeader { Compressed = true, Encoding = -1, LevelEncoding = -1 };
            var last = (short)0;
            while (true)
            {
                if (!Field(ref data, ref last, out var id, out var type)) return false;
                if (type == 0) return true;
                switch (id, type)
                {
                    case (1, 5): if (!Int(ref data, out header.Type)) return false; break;
                    case (2, 5): if (!Int(ref data, out header.UncompressedSize)) return false; break;
                    case (3, 5): if (!Int(ref data, out header.CompressedSize)) return false; break;
                    case (5, 12): if (!DataHeader(ref data, ref header, v2: false)) return false; break;
                    case (8, 12): if (!DataHeader(ref data, ref header, v2: true)) return false; break;
                    default: if (!Skip(ref data, type, 0)) return false; break;
                }
            }
        }

        static bool DataHeader(ref ReadOnlySpan<byte> data, ref PageHeader h, bool v2)
        {
            var last = (short)0;
            while (true)
            {
                if (!Field(ref data, ref last, out var id, out var type)) return false;
                if (type == 0) return true;
                var ok = (v2, id, type) switch
                {
                    (_, 1, 5) => Int(ref data, out h.Values),
                    (false, 2, 5) or (true, 4, 5) => Int(ref data, out h.Encoding),
                    (false, 3, 5) => Int(ref data, out h.LevelEncoding),
                    (true, 5, 5) => Int(ref data, out h.DefinitionBytes),
                    (true, 6, 5) => Int(ref data, out h.RepetitionBytes),
                    (true, 7, 1) => Set(out h.Compressed, true),
                    (true, 7, 2) => Set(out h.Compressed, false),
                    _ => Skip(ref data, type, 0),
                };
                if (!ok) return false;
            }
        }

        static bool Set(out bool target, bool value) { target = value; return true; }

        static bool Field(ref ReadOnlySpan<byte> data, ref short last, out short id, out int type)
        {
            (id, type) = (0, 0);
            if (data.IsEmpty) return false;
            var b = data[0];
            data = data[1..];
            type = b & 0x0F;
            if (type == 0) return true;
            var delta = b >> 4;
            if (delta != 0) id = (short)(last + delta);
            else if (!Int(ref data, out var full)) return false;
            else id = (short)full;
            last = id;
            return true;
        }

        static bool Int(ref ReadOnlySpan<byte> data, out int value)
        {
            value = 0;
            if (!Long(ref data, out var v) || v is < int.MinValue or > int.MaxValue) return false;
            value = (int)v;
            return true;
        }

        /// <summary>A Thrift compact integer: a zigzag-encoded varint.</summary>
        static bool Long(ref ReadOnlySpan<byte> data, out long value)
        {
            value = 0;
            if (!TryVarint64(ref data, out ulong raw)) return false;
            value = (long)(raw >> 1) ^ -(long)(raw & 1);
            return true;
        }

        /// <summary>Skips a value of a compact-protocol type (structs and lists nested at most a few levels).</summary>
        static bool Skip(ref ReadOnlySpan<byte> data, int type, int depth)
        {
            if (depth > 8) return false;
            switch (type)
            {
                case 1 or 2: return true; // a boolean field's value is in its type
                case 3: if (data.IsEmpty) return false; data = data[1..]; return true;
                case 4 or 5 or 6: return Long(ref data, out _);
                case 7: if (data.Length < 8) return false; data = data[8..]; return true;
                case 8:
                    if (!TryVarint(ref data, out var length) || length > data.Length) return false;
                    data = data[(int)length..];
                    return true;
                case 9 or 10:
                    if (data.IsEmpty) return false;
                    var h = data[0];
                    data = data[1..];
                    var size = (uint)(h >> 4);
                    if (size == 15 && !TryVarint(ref data, out size)) return false;
                    var element = h & 0x0F;
                    for (var i = 0u; i < size; i++)
                        if (element is 1 or 2) { if (data.IsEmpty) return false; data = data[1..]; }
                        else if (!Skip(ref data, element, depth + 1)) return false;
                    return true;
                case 12:
                    var last = (short)0;
                    while (true)
                    {
                        if (!Field(ref data, ref last, out _, out var t)) return false;
                        if (t == 0) return true;
                        if (!Skip(ref data, t, depth + 1)) return false;
                    }
                default: return false;
            }
        }
    }
}
