using System.Globalization;
using SignalPipeline.Analysis.Models;
using SignalPipeline.Analysis.Signals;
using SignalPipeline.Functions.Composition;
using SignalPipeline.Functions.Configuration;

namespace SignalPipeline.Functions.Cli;

/// <summary>The governance verbs of cli.md v2: the DPIA register's lifecycle, model quality, and replay.</summary>
public static class GovernanceVerbs
{
    public static async Task<int> DpiaShowAsync(AppServices s, TextWriter output)
    {
        if (s.Settings.RegisterFileGiven)
            output.WriteLine($"note: a register file is configured ({s.Settings.RegisterPath}); runs use it as it is, outside the stored lifecycle");
        var (register, version, suspended) = await s.DpiaRegisters.EffectiveAsync(s.Settings.RegisterPath);
        output.WriteLine($"in force: {register.RegisterVersion} (stored version {version.Number}, approved by {version.DecidedBy} {version.DecidedAt:yyyy-MM-dd HH:mm}), sha256 {register.Sha256[..12]}");
        foreach (var a in register.Models)
        {
            var built = ModelCatalogue.Find(a.Id, a.Version) is { Version: var v } m && v == a.Version ? CodeHash.Of(m) : null;
            var binding = a.CodeHash is null ? "binds no code hash" : built is null ? $"code {a.CodeHash[..12]} (this build has no {a.Id} {a.Version})"
                : a.CodeHash == built ? $"code {a.CodeHash[..12]} = this build" : $"code {a.CodeHash[..12]} ≠ this build {built[..12]} (refused)";
            output.WriteLine($"  {a.Id} {a.Version} {a.Status.ToString().ToLowerInvariant()}; approved by {a.ApprovedBy} {a.ApprovedOn:yyyy-MM-dd}, review by {a.ReviewBy:yyyy-MM-dd}; {binding}");
        }
        output.WriteLine("versions:");
        foreach (var v in await s.DpiaRegisters.VersionsAsync())
            output.WriteLine($"  {v.Number} {v.RegisterVersion} {v.Status}; proposed by {v.ProposedBy} {v.ProposedAt:yyyy-MM-dd HH:mm}" +
                (v.DecidedBy is null ? "" : $"; {v.Status} by {v.DecidedBy} {v.DecidedAt:yyyy-MM-dd HH:mm}") + (v.Note is null ? "" : $" — {v.Note}"));
        foreach (var x in suspended) output.WriteLine($"suspended: {x.Model} by {x.Actor} {x.At:yyyy-MM-dd HH:mm}: {x.Reason}");
        output.WriteLine("this build's code hashes: " + string.Join(", ", ModelCatalogue.All.Select(m => $"{m.Id} {m.Version} {CodeHash.Of(m)[..12]}")));
        return 0;
    }

    public static async Task<int> DpiaProposeAsync(AppServices s, string path, string? note, TextWriter output)
    {
        if (!File.Exists(path)) throw new CliException($"{path} does not exist");
        await s.DpiaRegisters.EffectiveAsync(s.Settings.RegisterPath); // the installation's version first, so numbering starts after it
        var v = await s.DpiaRegisters.ProposeAsync(await File.ReadAllBytesAsync(path), Environment.UserName, note);
        output.WriteLine($"proposed register version {v.Number} ({v.RegisterVersion}); it governs runs only after a DPIA reviewer other than {v.ProposedBy} approves it at /review/dpia");
        return 0;
    }

    public static async Task<int> DpiaSuspendAsync(AppServices s, string model, string reason, TextWriter output)
    {
        await s.DpiaRegisters.EffectiveAsync(s.Settings.RegisterPath);
        var x = await s.DpiaRegisters.SuspendAsync(model, reason, Environment.UserName);
        output.WriteLine($"suspended {x.Model}: the next run does not run it; its open candidates leave the coordinator's list (kept, marked)");
        return 0;
    }

    public static async Task<int> ChecklistShowAsync(AppServices s, TextWriter output)
    {
        var (list, number) = await s.Checklists.CurrentAsync();
        output.WriteLine($"checklist {list.Version} (stored version {number}): {list.PersonCategories.Sum(a => a.Roles.Count)} person categories in {list.PersonCategories.Count} activities, {list.Indicators.Count} characteristics");
        foreach (var a in list.PersonCategories) output.WriteLine($"  {a.Activity}: {string.Join("; ", a.Roles)}");
        foreach (var i in list.Indicators) output.WriteLine($"  kenmerk: {i}");
        return 0;
    }

    public static async Task<int> ChecklistSetAsync(AppServices s, string path, TextWriter output)
    {
        if (!File.Exists(path)) throw new CliException($"{path} does not exist");
        var (list, number) = await s.Checklists.SetAsync(await File.ReadAllBytesAsync(path), Environment.UserName);
        output.WriteLine($"checklist {list.Version} stored as version {number}; first weighings use it from now on");
        return 0;
    }

    public static async Task<int> ModelsQualityAsync(AppServices s, string format, TextWriter output)
    {
        var rows = ModelQuality.Compute(await s.Register.ListAsync(), await s.ViewRegister());
        if (format == "json")
        {
            foreach (var q in rows)
                // Every field on every line, null included: a reader needs no knowledge of which ones may be missing.
                output.WriteLine(System.Text.Json.JsonSerializer.Serialize(new
                {
                    model = q.Model, model_version = q.Version, raised = q.Raised, open = q.Open, decided = q.Decided, doorgezet = q.Doorgezet,
                    taken_into_phase_2 = q.PhaseTwo, dismissed = q.Dismissed,
                    onterecht = q.Onterecht, bekend = q.Bekend, geen_prioriteit = q.GeenPrioriteit, uncategorised = q.Uncategorised,
                    precision = q.Precision, control_rate = q.ControlRate, lift = q.Lift,
                    first_decision = q.FirstDecision?.ToString("yyyy-MM-dd"), last_decision = q.LastDecision?.ToString("yyyy-MM-dd"),
                    stop_criterion_met = q.StopMet, stop_reason = q.StopReason,
                }));
            return 0;
        }
        output.WriteLine("model version   raised open decided doorgezet phase2 dismissed onterecht bekend geen_prio precision lift");
        foreach (var q in rows)
            output.WriteLine($"{q.Model,-5} {q.Version,-8} {q.Raised,6} {q.Open,4} {q.Decided,7} {q.Doorgezet,9} {q.PhaseTwo,6} {q.Dismissed,9} {q.Onterecht,9} {q.Bekend,6} {q.GeenPrioriteit,9} " +
                $"{Fraction(q.Precision),9} {(q.Model == ModelQuality.ControlModel ? "chance" : Fraction(q.Lift)),5}" + (q.StopMet ? $"  STOP: {q.StopReason}; proposed for suspension" : ""));
        if (!rows.Any(r => r.Model == ModelQuality.ControlModel && r.Decided > 0))
            output.WriteLine("no decided control-sample (CTL) signals yet: lift cannot be computed");
        return 0;
    }

    static string Fraction(decimal? d) => d is { } v ? v.ToString("0.00", CultureInfo.InvariantCulture) : "-";

    public static async Task<int> ReplayAsync(AppServices s, string runId, TextWriter output)
    {
        var result = await s.Replay.RunAsync(runId);
        foreach (var note in result.Notes) output.WriteLine($"note: {note}");
        if (result.Differences.Count == 0)
        {
            output.WriteLine($"identical: run {runId} recomputed from its lineage gives the same {result.Signals} signals");
            return 0;
        }
        output.WriteLine($"differs: run {runId} recomputed from its lineage differs in {result.Differences.Count} places");
        foreach (var d in result.Differences) output.WriteLine("  " + d);
        return 1;
    }
}
