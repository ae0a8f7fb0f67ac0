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
        var bytes = SHA256.HashData(Encoding.UTF8.GetBytes($"signal/v1|{model}|{municipality}|{key}"));
        return $"{model}-{Convert.ToHexStringLower(bytes.AsSpan(0, 10))}";
    }
}

/// <summary>A signal with its state in a run; <see cref="Shadow"/> signals (experimental models) are never queued.</summary>
public sealed record RunSignal(Signal Signal, RunState State, bool Shadow);
