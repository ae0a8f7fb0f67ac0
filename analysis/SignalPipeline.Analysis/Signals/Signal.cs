using System.Security.Cryptography;
using System.Text;

namespace SignalPipeline.Analysis.Signals;

/// <summary>A candidate signal as a model raises it: pseudonyms and evidence only.</summary>
public sealed record Signal(
    string SignalId,
    string Model,
    string ModelVersion,
    string Theme,
    string? Object,
    IReadOnlyList<string> Subjects,
    IReadOnlyDictionary<string, string> Evidence)
{
    /// <summary>Stable id: from model id, municipality and the pseudonymised object/subject key, never from the run
    /// or the model version, so one situation on two nights (or after a version change) is one signal. The input is
    /// already a keyed pseudonym; the hash only shortens it.</summary>
    public static string IdFor(string model, string municipality, string key)
    {
        // One hash object per thread: a night raises tens of thousands of signals on every core, and a one-shot hash
        // sets up its context each time.
        // The text is written as UTF-8 straight into a buffer sized to hold it, and the id made in one string.
        var sha = idHash ??= IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var most = Encoding.UTF8.GetMaxByteCount(model.Length + municipality.Length + key.Length) + "signal/v1|||".Length;
        Span<byte> text = most <= 256 ? stackalloc byte[256] : new byte[most];
        System.Text.Unicode.Utf8.TryWrite(text, $"signal/v1|{model}|{municipality}|{key}", out var written);
        sha.AppendData(text[..written]);
        Span<byte> digest = stackalloc byte[32];
        sha.GetHashAndReset(digest);
        Span<char> id = model.Length <= 64 ? stackalloc char[model.Length + 21] : new char[model.Length + 21];
        model.CopyTo(id);
        id[model.Length] = '-';
        Convert.TryToHexStringLower(digest[..10], id[(model.Length + 1)..], out _);
        return new string(id);
    }
    [ThreadStatic] static IncrementalHash? idHash;
}

/// <summary>A signal with its state in a run; <see cref="Shadow"/> signals (experimental models) are never queued.</summary>
public sealed record RunSignal(Signal Signal, RunState State, bool Shadow);
