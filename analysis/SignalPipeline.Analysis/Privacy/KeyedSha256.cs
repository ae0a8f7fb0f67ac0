using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace SignalPipeline.Analysis.Privacy;

/// <summary>HMAC-SHA256 (RFC 2104, FIPS 180-4) under one fixed key, for the pseudonyms: the key's inner and outer pad
/// blocks are compressed once, so a MAC of a short identifier is two compressions and nothing else. The platform's
/// HMAC (OpenSSL 3 through <see cref="IncrementalHash"/>) spends most of its ~1.5–2.5 µs a call on per-call bookkeeping
/// (error-queue clearing, context copies), not on hashing; this takes ~0.85 µs on the same machine (docs/performance.md,
/// issue 17). The output is bit for bit HMAC-SHA256: tests compare it with <see cref="HMACSHA256"/> for random keys and
/// every message length across the block boundaries. No table is indexed by secret data, so its time does not depend
/// on the key or the message beyond the message's length. Thread-safe: the precomputed state is only read.</summary>
public sealed class KeyedSha256 : IDisposable
{
    const int BlockBytes = 64;
    /// <summary>The longest message <see cref="MacMany"/> hashes side by side: one block after the inner pad block
    /// (64 bytes less the 0x80 byte and the 8-byte length).</summary>
    public const int OneBlockMessage = BlockBytes - 9;
    readonly uint[] inner = new uint[8], outer = new uint[8];

    public KeyedSha256(ReadOnlySpan<byte> key)
    {
        Span<byte> block = stackalloc byte[BlockBytes];
        block.Clear();
        // A key longer than a block is hashed first (RFC 2104 §2).
        if (key.Length > BlockBytes) SHA256.HashData(key, block);
        else key.CopyTo(block);
        Span<uint> w = stackalloc uint[64];
        for (var i = 0; i < BlockBytes; i++) block[i] ^= 0x36;
        Initial.CopyTo(inner);
        Load(block, w);
        Compress(inner, w);
        for (var i = 0; i < BlockBytes; i++) block[i] ^= 0x36 ^ 0x5c;
        Initial.CopyTo(outer);
        Load(block, w);
        Compress(outer, w);
        CryptographicOperations.ZeroMemory(block);
        CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(w));
    }

    /// <summary>Writes the first <c>mac.Length</c> (at most 32) bytes of HMAC-SHA256(key, message).</summary>
    public void Mac(ReadOnlySpan<byte> message, Span<byte> mac)
    {
        ObjectDisposedException.ThrowIf(disposed, this); // a wiped key would give wrong MACs, silently
        if (mac.Length > 32) throw new ArgumentException("HMAC-SHA256 has 32 bytes.", nameof(mac));
        Span<uint> state = stackalloc uint[8];
        Span<uint> w = stackalloc uint[64];
        Span<byte> block = stackalloc byte[BlockBytes];
        inner.CopyTo(state);
        var rest = message;
        for (; rest.Length >= BlockBytes; rest = rest[BlockBytes..])
        {
            Load(rest[..BlockBytes], w);
            Compress(state, w);
        }
        // Padding: 0x80, zeros, and the bit length of ipad-block + message in the last 8 bytes.
        block.Clear();
        rest.CopyTo(block);
        block[rest.Length] = 0x80;
        if (rest.Length >= BlockBytes - 8)
        {
            Load(block, w);
            Compress(state, w);
            block.Clear();
        }
        BinaryPrimitives.WriteUInt64BigEndian(block[(BlockBytes - 8)..], (ulong)(BlockBytes + message.Length) * 8);
        Load(block, w);
        Compress(state, w);
        // Outer hash over opad-block + the 32-byte inner digest: one padded block, built as words.
        state.CopyTo(w);
        w[8] = 0x80000000;
        w[9..15].Clear();
        w[15] = (BlockBytes + 32) * 8;
        outer.CopyTo(state);
        Compress(state, w);
        Span<byte> digest = stackalloc byte[32];
        for (var i = 0; i < 8; i++) BinaryPrimitives.WriteUInt32BigEndian(digest[(i * 4)..], state[i]);
        digest[..mac.Length].CopyTo(mac);
        CryptographicOperations.ZeroMemory(block);
        CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(w));
    }

    /// <summary>The first 16 bytes of HMAC-SHA256 of each message under its own key (<c>keys[i]</c> for
    /// <c>messages[i]</c>), eight at a time in the lanes of 256-bit vectors where the hardware has them: the same
    /// compression, on eight messages per instruction. Messages longer than <see cref="OneBlockMessage"/> bytes, and every
    /// message on hardware without vectors, go through <see cref="Mac"/>. <paramref name="macs"/> gets 16 bytes a message.</summary>
    public static void MacMany(ReadOnlySpan<KeyedSha256> keys, ReadOnlySpan<byte> messageBytes, ReadOnlySpan<int> messageEnds, Span<byte> macs)
    {
        var count = messageEnds.Length;
        if (keys.Length != count || macs.Length < count * 16) throw new ArgumentException("One key and 16 bytes of output per message.");
        Span<int> lane = stackalloc int[Lanes];
        var filled = 0;
        for (var m = 0; m < count; m++)
        {
            var start = m == 0 ? 0 : messageEnds[m - 1];
            var message = messageBytes[start..messageEnds[m]];
            if (!Vector256.IsHardwareAccelerated || message.Length > OneBlockMessage) { keys[m].Mac(message, macs.Slice(m * 16, 16)); continue; }
            lane[filled++] = m;
            if (filled == Lanes) { MacLanes(keys, messageBytes, messageEnds, lane, macs); filled = 0; }
        }
        if (filled > 0) MacLanes(keys, messageBytes, messageEnds, lane[..filled], macs);
    }

    const int Lanes = 8;

    /// <summary>Up to eight one-block messages in the lanes of eight-word vectors (an empty lane hashes an empty block and
    /// is not written out).</summary>
    static void MacLanes(ReadOnlySpan<KeyedSha256> keys, ReadOnlySpan<byte> bytes, ReadOnlySpan<int> ends, ReadOnlySpan<int> messages, Span<byte> macs)
    {
        // The padded inner block of every lane, then its 16 words transposed: schedule[t] holds word t of every lane.
        Span<byte> blocks = stackalloc byte[Lanes * BlockBytes];
        blocks.Clear();
        Span<uint> words = stackalloc uint[16 * Lanes];
        Span<uint> initial = stackalloc uint[8 * Lanes];
        Span<uint> final = stackalloc uint[8 * Lanes];
        for (var l = 0; l < Lanes; l++)
        {
            var key = l < messages.Length ? keys[messages[l]] : keys[messages[0]];
            ObjectDisposedException.ThrowIf(key.disposed, key);
            var block = blocks.Slice(l * BlockBytes, BlockBytes);
            if (l < messages.Length)
            {
                var m = messages[l];
                var message = bytes[(m == 0 ? 0 : ends[m - 1])..ends[m]];
                message.CopyTo(block);
                block[message.Length] = 0x80;
                BinaryPrimitives.WriteUInt64BigEndian(block[(BlockBytes - 8)..], (ulong)(BlockBytes + message.Length) * 8);
            }
            for (var t = 0; t < 16; t++) words[t * Lanes + l] = BinaryPrimitives.ReadUInt32BigEndian(block[(t * 4)..]);
            for (var j = 0; j < 8; j++) { initial[j * Lanes + l] = key.inner[j]; final[j * Lanes + l] = key.outer[j]; }
        }
        Span<Vector256<uint>> schedule = stackalloc Vector256<uint>[64];
        Span<Vector256<uint>> state = stackalloc Vector256<uint>[8];
        for (var t = 0; t < 16; t++) schedule[t] = Vector256.Create<uint>(words.Slice(t * Lanes, Lanes));
        for (var j = 0; j < 8; j++) state[j] = Vector256.Create<uint>(initial.Slice(j * Lanes, Lanes));
        CompressLanes(state, schedule);
        // Outer: the inner digests (already one word per vector) and the padding of a 96-byte message.
        for (var j = 0; j < 8; j++) schedule[j] = state[j];
        schedule[8] = Vector256.Create(0x80000000u);
        for (var t = 9; t < 15; t++) schedule[t] = Vector256<uint>.Zero;
        schedule[15] = Vector256.Create((uint)(BlockBytes + 32) * 8);
        for (var j = 0; j < 8; j++) state[j] = Vector256.Create<uint>(final.Slice(j * Lanes, Lanes));
        CompressLanes(state, schedule);
        for (var l = 0; l < messages.Length; l++)
            for (var j = 0; j < 4; j++) BinaryPrimitives.WriteUInt32BigEndian(macs.Slice(messages[l] * 16 + j * 4, 4), state[j].GetElement(l));
        CryptographicOperations.ZeroMemory(blocks);
        CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(words));
        CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(schedule));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector256<uint> Rotate(Vector256<uint> x, [ConstantExpected] int n) => Vector256.ShiftRightLogical(x, n) | Vector256.ShiftLeft(x, 32 - n);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void RoundLanes(Vector256<uint> a, Vector256<uint> b, Vector256<uint> c, ref Vector256<uint> d, Vector256<uint> e, Vector256<uint> f, Vector256<uint> g, ref Vector256<uint> h, Vector256<uint> kw)
    {
        var t1 = h + (Rotate(e, 6) ^ Rotate(e, 11) ^ Rotate(e, 25)) + (g ^ (e & (f ^ g))) + kw;
        var t2 = (Rotate(a, 2) ^ Rotate(a, 13) ^ Rotate(a, 22)) + ((a & b) | (c & (a | b)));
        d += t1;
        h = t1 + t2;
    }

    /// <summary><see cref="Compress"/> on eight lanes at once.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void CompressLanes(Span<Vector256<uint>> state, Span<Vector256<uint>> w)
    {
        if (w.Length < 64 || state.Length < 8) throw new ArgumentException("SHA-256 needs a 64-word schedule and 8 words of state.");
        for (var i = 16; i < 64; i++)
        {
            var (x, y) = (w[i - 15], w[i - 2]);
            w[i] = w[i - 16] + (Rotate(x, 7) ^ Rotate(x, 18) ^ Vector256.ShiftRightLogical(x, 3)) + w[i - 7] + (Rotate(y, 17) ^ Rotate(y, 19) ^ Vector256.ShiftRightLogical(y, 10));
        }
        var k = RoundConstants;
        Vector256<uint> a = state[0], b = state[1], c = state[2], d = state[3], e = state[4], f = state[5], g = state[6], h = state[7];
        for (var i = 0; i < 64; i += 8)
        {
            RoundLanes(a, b, c, ref d, e, f, g, ref h, Vector256.Create(k[i]) + w[i]);
            RoundLanes(h, a, b, ref c, d, e, f, ref g, Vector256.Create(k[i + 1]) + w[i + 1]);
            RoundLanes(g, h, a, ref b, c, d, e, ref f, Vector256.Create(k[i + 2]) + w[i + 2]);
            RoundLanes(f, g, h, ref a, b, c, d, ref e, Vector256.Create(k[i + 3]) + w[i + 3]);
            RoundLanes(e, f, g, ref h, a, b, c, ref d, Vector256.Create(k[i + 4]) + w[i + 4]);
            RoundLanes(d, e, f, ref g, h, a, b, ref c, Vector256.Create(k[i + 5]) + w[i + 5]);
            RoundLanes(c, d, e, ref f, g, h, a, ref b, Vector256.Create(k[i + 6]) + w[i + 6]);
            RoundLanes(b, c, d, ref e, f, g, h, ref a, Vector256.Create(k[i + 7]) + w[i + 7]);
        }
        state[0] += a; state[1] += b; state[2] += c; state[3] += d; state[4] += e; state[5] += f; state[6] += g; state[7] += h;
    }

    bool disposed;

    public void Dispose()
    {
        disposed = true;
        CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(inner.AsSpan()));
        CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(outer.AsSpan()));
    }

    static void Load(ReadOnlySpan<byte> block, Span<uint> w)
    {
        for (var i = 0; i < 16; i++) w[i] = BinaryPrimitives.ReadUInt32BigEndian(block[(i * 4)..]);
    }

    static ReadOnlySpan<uint> Initial => [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];

    static readonly uint[] RoundConstants =
    [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    ];

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static uint Sigma0(uint x) => BitOperations.RotateRight(x, 7) ^ BitOperations.RotateRight(x, 18) ^ (x >> 3);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static uint Sigma1(uint x) => BitOperations.RotateRight(x, 17) ^ BitOperations.RotateRight(x, 19) ^ (x >> 10);

    /// <summary>One round; the eight working variables rotate by renaming at the call site instead of by moves.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Round(uint a, uint b, uint c, ref uint d, uint e, uint f, uint g, ref uint h, uint kw)
    {
        var t1 = h + (BitOperations.RotateRight(e, 6) ^ BitOperations.RotateRight(e, 11) ^ BitOperations.RotateRight(e, 25)) + (g ^ (e & (f ^ g))) + kw;
        var t2 = (BitOperations.RotateRight(a, 2) ^ BitOperations.RotateRight(a, 13) ^ BitOperations.RotateRight(a, 22)) + ((a & b) | (c & (a | b)));
        d += t1;
        h = t1 + t2;
    }

    /// <summary>The SHA-256 compression of one block whose 16 words are in <paramref name="schedule"/>[0..16]; the rest of
    /// the 64-word schedule is filled here.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void Compress(Span<uint> state, Span<uint> schedule)
    {
        if (schedule.Length < 64 || state.Length < 8) throw new ArgumentException("SHA-256 needs a 64-word schedule and 8 words of state.");
        ref var w = ref MemoryMarshal.GetReference(schedule);
        ref var k = ref MemoryMarshal.GetArrayDataReference(RoundConstants);
        for (var i = 16; i < 64; i++)
            Unsafe.Add(ref w, i) = Unsafe.Add(ref w, i - 16) + Sigma0(Unsafe.Add(ref w, i - 15)) + Unsafe.Add(ref w, i - 7) + Sigma1(Unsafe.Add(ref w, i - 2));
        uint a = state[0], b = state[1], c = state[2], d = state[3], e = state[4], f = state[5], g = state[6], h = state[7];
        for (var i = 0; i < 64; i += 8)
        {
            Round(a, b, c, ref d, e, f, g, ref h, Unsafe.Add(ref k, i) + Unsafe.Add(ref w, i));
            Round(h, a, b, ref c, d, e, f, ref g, Unsafe.Add(ref k, i + 1) + Unsafe.Add(ref w, i + 1));
            Round(g, h, a, ref b, c, d, e, ref f, Unsafe.Add(ref k, i + 2) + Unsafe.Add(ref w, i + 2));
            Round(f, g, h, ref a, b, c, d, ref e, Unsafe.Add(ref k, i + 3) + Unsafe.Add(ref w, i + 3));
            Round(e, f, g, ref h, a, b, c, ref d, Unsafe.Add(ref k, i + 4) + Unsafe.Add(ref w, i + 4));
            Round(d, e, f, ref g, h, a, b, ref c, Unsafe.Add(ref k, i + 5) + Unsafe.Add(ref w, i + 5));
            Round(c, d, e, ref f, g, h, a, ref b, Unsafe.Add(ref k, i + 6) + Unsafe.Add(ref w, i + 6));
            Round(b, c, d, ref e, f, g, h, ref a, Unsafe.Add(ref k, i + 7) + Unsafe.Add(ref w, i + 7));
        }
        state[0] += a; state[1] += b; state[2] += c; state[3] += d; state[4] += e; state[5] += f; state[6] += g; state[7] += h;
    }
}
