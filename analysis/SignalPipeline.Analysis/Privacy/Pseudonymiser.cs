using System.Runtime.Intrinsics;
using System.Security.Cryptography;
using System.Text;

namespace SignalPipeline.Analysis.Privacy;

/// <summary>Keyed HMAC-SHA256 pseudonyms with one derived key per identifier kind (domain separation).
/// A pseudonym is the kind prefix plus 128 bits of the MAC in hex: stable for a key version, not reversible
/// without the key. Thread-safe: each kind's key is expanded once into a <see cref="KeyedSha256"/>, which every thread
/// shares (it only reads it); the MAC is the same as the platform's HMACSHA256, tested.</summary>
public sealed class Pseudonymiser : IDisposable
{
    readonly KeyedSha256[] macs;

    public string KeyVersion { get; }

    public Pseudonymiser(byte[] masterKey, string keyVersion)
    {
        if (masterKey.Length < 32) throw new ArgumentException("The pseudonymisation key must have at least 256 bits.");
        KeyVersion = keyVersion;
        var kinds = Enum.GetValues<IdKind>();
        macs = new KeyedSha256[kinds.Length];
        foreach (var kind in kinds)
        {
            var derived = HMACSHA256.HashData(masterKey, Encoding.UTF8.GetBytes("signalpipeline/pseudonym/v1/" + kind.ToString().ToLowerInvariant()));
            macs[(int)kind] = new KeyedSha256(derived);
            CryptographicOperations.ZeroMemory(derived);
        }
    }

    /// <summary>Pseudonym of an already normalised identifier value.</summary>
    public string Pseudonymise(IdKind kind, string normalised)
    {
        Span<byte> input = normalised.Length <= 128 ? stackalloc byte[normalised.Length * 3] : new byte[normalised.Length * 3];
        var n = Encoding.UTF8.GetBytes(normalised, input);
        Span<byte> mac = stackalloc byte[16];
        macs[(int)kind].Mac(input[..n], mac);
        CryptographicOperations.ZeroMemory(input[..n]);
        return Text(kind, mac);
    }

    /// <summary>The pseudonym of a 128-bit MAC: the kind letter and 32 lowercase hex digits.</summary>
    static string Text(IdKind kind, ReadOnlySpan<byte> mac)
    {
        Span<char> pseudonym = stackalloc char[33];
        pseudonym[0] = kind.Prefix()[0];
        Convert.TryToHexStringLower(mac, pseudonym[1..], out _);
        return new string(pseudonym);
    }

    /// <summary>Pseudonyms of many normalised values at once (<c>pseudonyms[i]</c> of <c>values[i]</c> as
    /// <c>kinds[i]</c>): the MACs are computed side by side (<see cref="KeyedSha256.MacMany"/>), several times faster than
    /// one by one. The values' UTF-8 bytes are wiped afterwards.</summary>
    public void PseudonymiseMany(ReadOnlySpan<IdKind> kinds, ReadOnlySpan<string> values, Span<string> pseudonyms)
    {
        var count = values.Length;
        if (kinds.Length != count || pseudonyms.Length < count) throw new ArgumentException("One kind and one result per value.");
        if (count == 0) return;
        var byteCount = 0;
        foreach (var v in values) byteCount += Encoding.UTF8.GetMaxByteCount(v.Length);
        var bytes = System.Buffers.ArrayPool<byte>.Shared.Rent(byteCount);
        var ends = System.Buffers.ArrayPool<int>.Shared.Rent(count);
        var keys = System.Buffers.ArrayPool<KeyedSha256>.Shared.Rent(count);
        var macBytes = System.Buffers.ArrayPool<byte>.Shared.Rent(count * 16);
        try
        {
            var at = 0;
            for (var i = 0; i < count; i++)
            {
                at += Encoding.UTF8.GetBytes(values[i], bytes.AsSpan(at));
                ends[i] = at;
                keys[i] = macs[(int)kinds[i]];
            }
            KeyedSha256.MacMany(keys.AsSpan(0, count), bytes.AsSpan(0, at), ends.AsSpan(0, count), macBytes.AsSpan(0, count * 16));
            CryptographicOperations.ZeroMemory(bytes.AsSpan(0, at));
            for (var i = 0; i < count; i++) pseudonyms[i] = Text(kinds[i], macBytes.AsSpan(i * 16, 16));
        }
        finally
        {
            Array.Clear(keys, 0, count);
            System.Buffers.ArrayPool<byte>.Shared.Return(bytes, clearArray: true);
            System.Buffers.ArrayPool<int>.Shared.Return(ends);
            System.Buffers.ArrayPool<KeyedSha256>.Shared.Return(keys);
            System.Buffers.ArrayPool<byte>.Shared.Return(macBytes);
        }
    }

    /// <summary>The 128 bits of a pseudonym (its 32 lowercase hex digits after the kind letter), or false when the value
    /// is not one. Ordered like the pseudonyms themselves; 16 bytes instead of a 33-character string. (A table lookup per
    /// digit: the nightly reads millions of join keys this way, and the general hex parser was its largest single cost.)</summary>
    public static bool TryValue(ReadOnlySpan<char> pseudonym, out UInt128 value) => TryHexValue(pseudonym, out value);

    /// <summary><see cref="TryValue(ReadOnlySpan{char}, out UInt128)"/> of a pseudonym's UTF-8 bytes (a snapshot page).</summary>
    public static bool TryValue(ReadOnlySpan<byte> utf8, out UInt128 value) =>
        Vector128.IsHardwareAccelerated ? TryHexValue16(utf8, out value) : TryHexValue(utf8, out value);

    /// <summary><see cref="TryHexValue{T}"/> of UTF-8 bytes sixteen digits at a time: the nightly read parses every join
    /// key of a city this way, and a table lookup per digit was a tenth of it. Same rule: lowercase hex only.</summary>
    static bool TryHexValue16(ReadOnlySpan<byte> pseudonym, out UInt128 value)
    {
        value = default;
        if (pseudonym.Length != 33) return false;
        ref var first = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(pseudonym);
        if (!Digits(Vector128.LoadUnsafe(ref first, 1), out var high) || !Digits(Vector128.LoadUnsafe(ref first, 17), out var low)) return false;
        value = new UInt128(high, low);
        return true;

        static bool Digits(Vector128<byte> text, out ulong bits)
        {
            var digit = text - Vector128.Create((byte)'0');
            var letter = text - Vector128.Create((byte)'a');
            var isDigit = Vector128.LessThanOrEqual(digit, Vector128.Create((byte)9));
            var isLetter = Vector128.LessThanOrEqual(letter, Vector128.Create((byte)5));
            // Anything but 0-9 and a-f (uppercase too) is not a pseudonym.
            if ((isDigit | isLetter) != Vector128<byte>.AllBitsSet) { bits = 0; return false; }
            var nibbles = Vector128.ConditionalSelect(isDigit, digit, letter + Vector128.Create((byte)10)).AsUInt16();
            // Each pair of digits (first in the low byte) becomes one byte, first digit high: the digits' order read as a
            // big-endian number.
            var bytes = Vector128.Narrow((nibbles << 4) | (nibbles >> 8), Vector128<ushort>.Zero);
            bits = System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(bytes.AsUInt64().ToScalar());
            return true;
        }
    }

    static bool TryHexValue<T>(ReadOnlySpan<T> pseudonym, out UInt128 value) where T : unmanaged, System.Numerics.IBinaryInteger<T>
    {
        value = default;
        if (pseudonym.Length != 33) return false;
        var digits = HexDigits;
        ulong high = 0, low = 0;
        var invalid = 0;
        for (var i = 1; i < 17; i++)
        {
            var c = int.CreateTruncating(pseudonym[i]);
            int d = c < 128 ? digits[c] : 0xFF;
            invalid |= d;
            high = (high << 4) | (uint)(d & 0xF);
        }
        for (var i = 17; i < 33; i++)
        {
            var c = int.CreateTruncating(pseudonym[i]);
            int d = c < 128 ? digits[c] : 0xFF;
            invalid |= d;
            low = (low << 4) | (uint)(d & 0xF);
        }
        if ((invalid & 0xF0) != 0) return false;
        value = new UInt128(high, low);
        return true;
    }

    /// <summary>The value of each ASCII character as a lowercase hex digit, 0xFF for any other.</summary>
    static ReadOnlySpan<byte> HexDigits =>
    [
        255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
        255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
        255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 255, 255, 255, 255, 255, 255,
        255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
        255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
        255, 10, 11, 12, 13, 14, 15, 255, 255, 255, 255, 255, 255, 255, 255, 255,
        255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
    ];

    public void Dispose()
    {
        foreach (var mac in macs) mac.Dispose();
    }
}
