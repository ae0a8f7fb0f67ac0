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
        var sha = idHash ??= IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(Encoding.UTF8.GetBytes($"signal/v1|{model}|{municipality}|{key}"));
        Span<byte> digest = stackalloc byte[32];
        sha.GetHashAndReset(digest);
        return $"{model}-{Convert.ToHexStringLower(digest[..10])}";
    }
    [ThreadStatic] static IncrementalHash? idHash;
}

/// <summary>A signal with its state in a run; <see cref="Shadow"/> signals (experimental models) are never queued.</summary>
public sealed record RunSignal(Signal Signal, RunState State, bool Shadow);
