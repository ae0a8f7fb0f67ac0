using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Aes = System.Runtime.Intrinsics.X86.Aes;
using System.Security.Cryptography;

namespace SignalPipeline.Analysis.Privacy;

/// <summary>AES-256-GCM encryption (NIST SP 800-38D, 96-bit nonce, 128-bit tag) on the processor's AES and carry-less
/// multiply instructions, for sealing the identity envelopes. The platform's <see cref="AesGcm"/> (OpenSSL 3) spends
/// ~1.4 µs a call on per-call bookkeeping for a ~100-byte envelope, one call per delivered row; this does the same
/// work in a fraction of that (docs/performance.md, issue 17). Only sealing runs here: every envelope is opened by the
/// platform, whose tag check would refuse anything this got wrong, and the tests compare its output with the platform's
/// bit for bit. The AES and GHASH instructions take the same time whatever the key and data, and no table is indexed by
/// secret data. Thread-safe: the round keys and the hash key are only read. <see cref="TryCreate"/> returns null where
/// the instructions are missing; the caller then uses the platform.</summary>
public sealed class AesGcmSealer : IDisposable
{
    public const int NonceBytes = 12, TagBytes = 16;
    readonly Vector128<byte>[] roundKeys = new Vector128<byte>[15];
    // The hash key H = E(K, 0), byte-reversed for the multiplication below.
    Vector128<byte> hashKey;
    bool disposed;

    public static bool IsSupported => Aes.IsSupported && Pclmulqdq.IsSupported && Ssse3.IsSupported;

    public static AesGcmSealer? TryCreate(ReadOnlySpan<byte> key) => IsSupported ? new AesGcmSealer(key) : null;

    AesGcmSealer(ReadOnlySpan<byte> key)
    {
        if (key.Length != 32) throw new ArgumentException("The key must be 256 bits.", nameof(key));
        ExpandKey(Vector128.Create(key[..16]), Vector128.Create(key[16..]), roundKeys);
        hashKey = Reverse(EncryptBlock(Vector128<byte>.Zero));
    }

    /// <summary>AES-256 key expansion (FIPS 197 §5.2): 15 round keys from the two key halves.</summary>
    static void ExpandKey(Vector128<byte> a, Vector128<byte> b, Vector128<byte>[] k)
    {
        k[0] = a;
        k[1] = b;
        // Runs once per key: the round constant goes to the instruction as a variable (the JIT picks the immediate).
        ReadOnlySpan<byte> roundConstants = [0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40];
        for (var i = 0; i < roundConstants.Length; i++)
        {
            k[2 * i + 2] = a = Mix(a, Broadcast3(Aes.KeygenAssist(b, roundConstants[i])));
            if (2 * i + 3 < k.Length) k[2 * i + 3] = b = Mix(b, Broadcast2(Aes.KeygenAssist(a, 0x00)));
        }

        static Vector128<byte> Broadcast3(Vector128<byte> x) => Sse2.Shuffle(x.AsUInt32(), 0xFF).AsByte();
        static Vector128<byte> Broadcast2(Vector128<byte> x) => Sse2.Shuffle(x.AsUInt32(), 0xAA).AsByte();
        // w[i] = w[i-8] ^ w[i-1] for the four words of a round key: the running xor of the previous key's words.
        static Vector128<byte> Mix(Vector128<byte> previous, Vector128<byte> t)
        {
            var x = previous;
            x ^= Sse2.ShiftLeftLogical128BitLane(x, 4);
            x ^= Sse2.ShiftLeftLogical128BitLane(x, 4);
            x ^= Sse2.ShiftLeftLogical128BitLane(x, 4);
            return x ^ t;
        }
    }

    Vector128<byte> EncryptBlock(Vector128<byte> block)
    {
        var b = block;
        var c = block;
        EncryptTwo(ref b, ref c);
        return b;
    }

    /// <summary>Two blocks through the 14 rounds together: each round's instruction has a latency of several cycles, so
    /// the second block's rounds fill the first one's wait.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    void EncryptTwo(ref Vector128<byte> a, ref Vector128<byte> b)
    {
        var k = roundKeys;
        var x = a ^ k[0];
        var y = b ^ k[0];
        for (var r = 1; r < 14; r++)
        {
            x = Aes.Encrypt(x, k[r]);
            y = Aes.Encrypt(y, k[r]);
        }
        a = Aes.EncryptLast(x, k[14]);
        b = Aes.EncryptLast(y, k[14]);
    }

    /// <summary>Encrypts <paramref name="plaintext"/> into <paramref name="ciphertext"/> (same length) and writes the
    /// 16-byte tag over the ciphertext and <paramref name="associated"/>, exactly as <see cref="AesGcm.Encrypt(ReadOnlySpan{byte}, ReadOnlySpan{byte}, Span{byte}, Span{byte}, ReadOnlySpan{byte})"/>.</summary>
    public void Encrypt(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> plaintext, Span<byte> ciphertext, Span<byte> tag, ReadOnlySpan<byte> associated)
    {
        ObjectDisposedException.ThrowIf(disposed, this); // wiped round keys would seal with the wrong key, silently
        if (nonce.Length != NonceBytes) throw new ArgumentException("The nonce must be 96 bits.", nameof(nonce));
        if (tag.Length != TagBytes) throw new ArgumentException("The tag must be 128 bits.", nameof(tag));
        if (ciphertext.Length != plaintext.Length) throw new ArgumentException("The ciphertext must be as long as the plaintext.", nameof(ciphertext));

        Span<byte> block = stackalloc byte[16];
        block.Clear();
        nonce.CopyTo(block);
        // Counter blocks: the nonce, then a 32-bit big-endian block counter (an int-long message never wraps it).
        var counterBase = Vector128.Create((ReadOnlySpan<byte>)block).AsUInt32();
        Vector128<byte> Counter(uint i) => counterBase.WithElement(3, BinaryPrimitives.ReverseEndianness(i)).AsByte();

        var h = hashKey;
        var y = HashBlocks(Vector128<byte>.Zero, h, associated);
        // Counter 1 masks the tag; its pair is the first data block. Then two data blocks at a time.
        var tagMask = Counter(1);
        var next = Counter(2);
        EncryptTwo(ref tagMask, ref next);
        var at = 0;
        y = Apply(next, plaintext, ciphertext, ref at, y, h, block);
        for (var counter = 3u; at < plaintext.Length; counter += 2)
        {
            var s0 = Counter(counter);
            var s1 = Counter(counter + 1);
            EncryptTwo(ref s0, ref s1);
            y = Apply(s0, plaintext, ciphertext, ref at, y, h, block);
            y = Apply(s1, plaintext, ciphertext, ref at, y, h, block);
        }
        block.Clear();
        BinaryPrimitives.WriteUInt64BigEndian(block, (ulong)associated.Length * 8);
        BinaryPrimitives.WriteUInt64BigEndian(block[8..], (ulong)plaintext.Length * 8);
        y = Multiply(y ^ Reverse(Vector128.Create((ReadOnlySpan<byte>)block)), h);
        (Reverse(y) ^ tagMask).CopyTo(tag);
        block.Clear();
    }

    /// <summary>One keystream block over the data at <paramref name="at"/> (if any is left), the ciphertext block hashed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector128<byte> Apply(Vector128<byte> stream, ReadOnlySpan<byte> plaintext, Span<byte> ciphertext, ref int at, Vector128<byte> y, Vector128<byte> h, Span<byte> block)
    {
        var n = Math.Min(16, plaintext.Length - at);
        if (n <= 0) return y;
        Vector128<byte> c;
        if (n == 16)
        {
            c = Vector128.Create(plaintext.Slice(at, 16)) ^ stream;
            c.CopyTo(ciphertext.Slice(at, 16));
        }
        else
        {
            // The last, partial block: the hash takes its ciphertext zero-padded.
            block.Clear();
            plaintext.Slice(at, n).CopyTo(block);
            (Vector128.Create((ReadOnlySpan<byte>)block) ^ stream).CopyTo(block);
            block[..n].CopyTo(ciphertext.Slice(at, n));
            block[n..].Clear();
            c = Vector128.Create((ReadOnlySpan<byte>)block);
        }
        at += n;
        return Multiply(y ^ Reverse(c), h);
    }

    /// <summary>GHASH over <paramref name="data"/>, zero-padded to whole blocks, continuing from <paramref name="y"/>.</summary>
    static Vector128<byte> HashBlocks(Vector128<byte> y, Vector128<byte> h, ReadOnlySpan<byte> data)
    {
        for (; data.Length >= 16; data = data[16..]) y = Multiply(y ^ Reverse(Vector128.Create(data[..16])), h);
        if (data.Length > 0)
        {
            Span<byte> last = stackalloc byte[16];
            last.Clear();
            data.CopyTo(last);
            y = Multiply(y ^ Reverse(Vector128.Create((ReadOnlySpan<byte>)last)), h);
        }
        return y;
    }

    static readonly Vector128<byte> ReverseMask = Vector128.Create((byte)15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector128<byte> Reverse(Vector128<byte> x) => Ssse3.Shuffle(x, ReverseMask);

    /// <summary>Multiplication in GF(2^128) modulo x^128 + x^7 + x^2 + x + 1 of two byte-reversed GCM blocks: the
    /// 256-bit carry-less product, shifted left one bit for GCM's reflected bit order, then reduced (Gueron and
    /// Kounavis, "Intel Carry-Less Multiplication Instruction and its Usage for Computing the GCM Mode", algorithm 5).</summary>
    static Vector128<byte> Multiply(Vector128<byte> a, Vector128<byte> b)
    {
        var x = a.AsUInt64();
        var z = b.AsUInt64();
        var low = Pclmulqdq.CarrylessMultiply(x, z, 0x00).AsUInt32();
        var mid = (Pclmulqdq.CarrylessMultiply(x, z, 0x10) ^ Pclmulqdq.CarrylessMultiply(x, z, 0x01)).AsUInt32();
        var high = Pclmulqdq.CarrylessMultiply(x, z, 0x11).AsUInt32();
        low ^= Sse2.ShiftLeftLogical128BitLane(mid.AsByte(), 8).AsUInt32();
        high ^= Sse2.ShiftRightLogical128BitLane(mid.AsByte(), 8).AsUInt32();

        // The 256-bit product high:low, shifted left by one bit.
        var carryLow = Sse2.ShiftRightLogical(low, 31);
        var carryHigh = Sse2.ShiftRightLogical(high, 31);
        low = Sse2.ShiftLeftLogical(low, 1);
        high = Sse2.ShiftLeftLogical(high, 1);
        var across = Sse2.ShiftRightLogical128BitLane(carryLow.AsByte(), 12).AsUInt32();
        carryHigh = Sse2.ShiftLeftLogical128BitLane(carryHigh.AsByte(), 4).AsUInt32();
        carryLow = Sse2.ShiftLeftLogical128BitLane(carryLow.AsByte(), 4).AsUInt32();
        low |= carryLow;
        high |= carryHigh | across;

        // Reduction modulo the field polynomial.
        var t = Sse2.ShiftLeftLogical(low, 31) ^ Sse2.ShiftLeftLogical(low, 30) ^ Sse2.ShiftLeftLogical(low, 25);
        var t1 = Sse2.ShiftRightLogical128BitLane(t.AsByte(), 4).AsUInt32();
        low ^= Sse2.ShiftLeftLogical128BitLane(t.AsByte(), 12).AsUInt32();
        var r = Sse2.ShiftRightLogical(low, 1) ^ Sse2.ShiftRightLogical(low, 2) ^ Sse2.ShiftRightLogical(low, 7) ^ t1;
        low ^= r;
        return (high ^ low).AsByte();
    }

    public void Dispose()
    {
        disposed = true;
        Array.Clear(roundKeys);
        hashKey = default;
    }
}
