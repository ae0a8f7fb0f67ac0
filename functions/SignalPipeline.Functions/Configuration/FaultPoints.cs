using System.Diagnostics;

namespace SignalPipeline.Functions.Configuration;

/// <summary>Thrown at an injected fault point (tests and fault drills only).</summary>
public sealed class InjectedFaultException(string step) : Exception($"injected fault at '{step}'");

/// <summary>Named steps of ingest, nightly and intake where a fault drill makes the program fail, to show that running
/// the same command again finishes the job and loses nothing (docs/reliability.md). Off unless configured:
/// <c>Testing:FaultAt=step</c> throws there, <c>Testing:KillAt=step</c> kills the process there (as <c>kill -9</c>
/// would), on the <c>Testing:FaultOnHit</c>-th time the step is reached (default the first).</summary>
public sealed class FaultPoints(string? throwAt = null, string? killAt = null, int onHit = 1)
{
    public static readonly FaultPoints None = new();
    public static readonly string[] Steps =
    [
        "ingest-built",       // the snapshot is built, nothing stored yet
        "ingest-stored",      // data and manifest stored, pointer and dedup record not yet
        "computed",           // the run is computed, nothing stored
        "saved",              // run signals and record stored (status intake)
        "queueing",           // the first intake message is queued
        "queued",             // every intake message is queued
        "continued",          // signals still raised are marked
        "resolved",           // signals no longer raised are resolved
        "intake-taken",       // an intake message is in the register but not yet removed from the queue
        "register-observed",  // an observation and history row are written, the state not yet
        "drained",            // the intake queue is empty, the run not yet verified
        "completed",          // the run is completed, its snapshots not yet minimised
    ];

    readonly Dictionary<string, int> hits = [];

    public void Reach(string step)
    {
        if (step != throwAt && step != killAt) return;
        lock (hits)
        {
            hits[step] = hits.GetValueOrDefault(step) + 1;
            if (hits[step] != onHit) return;
        }
        if (step == killAt) { Console.Error.Flush(); Process.GetCurrentProcess().Kill(); }
        throw new InjectedFaultException(step);
    }
}
