using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;

namespace SignalPipeline.Analysis.Snapshots;

/// <summary>What the first pass over a file learns: its SHA-256 (over the bytes as delivered), whether the
/// content is valid UTF-8 (else Windows-1252 is assumed), and the delimiter from the header line.</summary>
public sealed record ExtractProbeResult(string Sha256, long Bytes, bool IsUtf8, char Separator, string? Problem)
{
    /// <summary>The header line as text (its format tells a v1 CSV from a GBA-V selection).</summary>
    public string Header { get; init; } = "";
}

public static class ExtractProbe
{
    static ExtractProbe() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    public static Encoding Windows1252 => Encoding.GetEncoding(1252);

    public static bool IsGzip(string fileName) => fileName.EndsWith(".gz", StringComparison.OrdinalIgnoreCase);

    /// <summary>Streams the file once; memory use does not depend on its size.</summary>
    public static async Task<ExtractProbeResult> ProbeAsync(Stream raw, bool gzip, CancellationToken ct = default)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var hashing = new HashingStream(raw, sha);
        Stream content = gzip ? new GZipStream(hashing, CompressionMode.Decompress, leaveOpen: true) : hashing;
        var decoder = new UTF8Encoding(false, throwOnInvalidBytes: true).GetDecoder();
        var buffer = new byte[81920];
        var chars = new char[81920 + 4];
        var isUtf8 = true;
        var header = new List<byte>();
        var headerDone = false;
        string? problem = null;
        long decompressed = 0;
        try
        {
            int n;
            while ((n = await content.ReadAsync(buffer, ct)) > 0)
            {
                decompressed += n;
                if (!headerDone)
                {
                    var nl = Array.IndexOf(buffer, (byte)'\n', 0, n);
                    header.AddRange(buffer.AsSpan(0, nl < 0 ? n : nl).ToArray());
                    headerDone = nl >= 0 || header.Count > 1 << 20;
                }
                if (isUtf8)
                {
                    try { decoder.GetChars(buffer, 0, n, chars, 0, flush: false); }
                    catch (DecoderFallbackException) { isUtf8 = false; }
                }
            }
            if (isUtf8) { try { decoder.GetChars([], 0, 0, chars, 0, flush: true); } catch (DecoderFallbackException) { isUtf8 = false; } }
        }
        catch (InvalidDataException) { problem = "the file is not a valid gzip stream"; }
        // Drain what gzip did not read so the hash covers every byte delivered.
        await hashing.CopyToAsync(Stream.Null, ct);
        if (gzip) await content.DisposeAsync();

        var headerText = (isUtf8 ? Encoding.UTF8 : Windows1252).GetString(header.ToArray()).TrimStart('\uFEFF');
        var separator = DetectSeparator(headerText);
        // GZipStream reads a truncated file without complaint: the trailer's ISIZE (length mod 2^32) must match.
        if (problem is null && gzip && decompressed > 0 && hashing.LastUInt32 != (uint)decompressed)
            problem = "the gzip file is truncated or has several members (its length trailer does not match); deliver one complete gzip stream";
        if (problem is null && header.Count == 0)
            problem = gzip && hashing.BytesRead > 0 ? "the file is not a valid gzip stream (nothing could be decompressed)" : "the file is empty";
        return new ExtractProbeResult(Convert.ToHexStringLower(sha.GetHashAndReset()), hashing.BytesRead, isUtf8, separator, problem) { Header = headerText };
    }

    /// <summary>The delimiter is whichever of ';' and ',' occurs more often outside quotes in the header line.</summary>
    public static char DetectSeparator(string headerLine)
    {
        int semi = 0, comma = 0;
        var quoted = false;
        foreach (var c in headerLine)
        {
            if (c == '"') quoted = !quoted;
            else if (!quoted && c == ';') semi++;
            else if (!quoted && c == ',') comma++;
        }
        return semi >= comma ? ';' : ',';
    }

    sealed class HashingStream(Stream inner, IncrementalHash hash) : Stream
    {
        readonly byte[] tail = new byte[4]; // ring buffer of the last 4 bytes, indexed by absolute position
        public long BytesRead { get; private set; }

        /// <summary>The last 4 bytes read as little-endian: a gzip file's ISIZE once the stream is drained.</summary>
        public uint LastUInt32
        {
            get
            {
                Span<byte> b = stackalloc byte[4];
                for (var i = 0; i < 4; i++) b[i] = tail[(int)((BytesRead - 4 + i) % 4 + 4) % 4];
                return System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(b);
            }
        }

        void Keep(ReadOnlySpan<byte> data)
        {
            for (var i = Math.Max(0, data.Length - 4); i < data.Length; i++) tail[(int)((BytesRead + i) % 4)] = data[i];
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => BytesRead; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));
        public override int Read(Span<byte> buffer)
        {
            var n = inner.Read(buffer);
            hash.AppendData(buffer[..n]); Keep(buffer[..n]); BytesRead += n;
            return n;
        }
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
        {
            var n = await inner.ReadAsync(buffer, ct);
            hash.AppendData(buffer.Span[..n]); Keep(buffer.Span[..n]); BytesRead += n;
            return n;
        }
        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) =>
            ReadAsync(buffer.AsMemory(offset, count), ct).AsTask();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
