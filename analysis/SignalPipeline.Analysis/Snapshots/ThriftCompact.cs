using System.Buffers;
using System.Text;

namespace SignalPipeline.Analysis.Snapshots;

/// <summary>Writes the Thrift compact protocol, as far as Parquet's page headers and file footer need it: structs of
/// integers, strings, lists and nested structs. The matching reader is <see cref="PlainPages"/> (page headers) and
/// Parquet.Net (the footer).</summary>
sealed class ThriftCompact(ArrayBufferWriter<byte> output)
{
    const byte I32 = 5, I64 = 6, Binary = 8, ListType = 9, StructType = 12;
    readonly Stack<short> lastIds = new();
    short lastId;

    public ThriftCompact Int(short id, int value) { Header(id, I32); Varint(ZigZag(value)); return this; }
    public ThriftCompact Long(short id, long value) { Header(id, I64); Varint(ZigZag(value)); return this; }

    public ThriftCompact String(short id, string value)
    {
        Header(id, Binary);
        Text(value);
        return this;
    }

    public ThriftCompact Ints(short id, IReadOnlyList<int> values)
    {
        ListHeader(id, I32, values.Count);
        foreach (var v in values) Varint(ZigZag(v));
        return this;
    }

    public ThriftCompact Strings(short id, IReadOnlyList<string> values)
    {
        ListHeader(id, Binary, values.Count);
        foreach (var v in values) Text(v);
        return this;
    }

    /// <summary>A struct field: <paramref name="body"/> writes its fields.</summary>
    public ThriftCompact Struct(short id, Action<ThriftCompact> body)
    {
        Header(id, StructType);
        Nested(body);
        return this;
    }

    /// <summary>A list of structs, each written by <paramref name="body"/>.</summary>
    public ThriftCompact Structs<T>(short id, IReadOnlyList<T> items, Action<ThriftCompact, T> body)
    {
        ListHeader(id, StructType, items.Count);
        foreach (var item in items) Nested(w => body(w, item));
        return this;
    }

    /// <summary>A whole struct at the top level (a page header, the footer), ended by its stop byte.</summary>
    public void Root(Action<ThriftCompact> body) => Nested(body);

    void Nested(Action<ThriftCompact> body)
    {
        lastIds.Push(lastId);
        lastId = 0;
        body(this);
        Byte(0); // stop
        lastId = lastIds.Pop();
    }

    void Header(short id, byte type)
    {
        var delta = id - lastId;
        if (delta is > 0 and <= 15) Byte((byte)(delta << 4 | type));
        else { Byte(type); Varint(ZigZag(id)); }
        lastId = id;
    }

    void ListHeader(short id, byte element, int count)
    {
        Header(id, ListType);
        if (count < 15) Byte((byte)(count << 4 | element));
        else { Byte((byte)(0xF0 | element)); Varint((ulong)count); }
    }

    /// <summary>A string's value: its UTF-8 length, then its bytes.</summary>
    void Text(string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        Varint((ulong)bytes.Length);
        output.Write(bytes);
    }

    static ulong ZigZag(long v) => (ulong)((v << 1) ^ (v >> 63));

    void Varint(ulong v)
    {
        while (v >= 0x80) { Byte((byte)(v | 0x80)); v >>= 7; }
        Byte((byte)v);
    }

    void Byte(byte b)
    {
        output.GetSpan(1)[0] = b;
        output.Advance(1);
    }
}
