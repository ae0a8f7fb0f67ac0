using System.Text.Json.Serialization;

namespace SignalPipeline.Analysis.Signals;

/// <summary>The municipality's checklist of Bijlage 2 (person categories per activity, characteristics of undermining),
/// versioned: every first weighing records the version it used.</summary>
public sealed record Checklist(string Version, string Source, IReadOnlyList<ChecklistActivity> PersonCategories, IReadOnlyList<string> Indicators)
{
    /// <summary>"activity: role", as a first weighing records a person category.</summary>
    public IEnumerable<string> AllRoles => PersonCategories.SelectMany(a => a.Roles.Select(r => $"{a.Activity}: {r}"));
}

public sealed record ChecklistActivity(string Activity, IReadOnlyList<string> Roles);

/// <summary>Step 1 (protocol Fase 1, Bijlage 2): which person categories and characteristics of undermining apply.</summary>
public sealed record FirstWeighing(string ChecklistVersion, IReadOnlyList<string> PersonCategories, IReadOnlyList<string> Indicators, string? Note, string By, DateTimeOffset At)
{
    /// <summary>At least one indicator or person category applies: the signal may go on.</summary>
    [JsonIgnore] public bool GoesOn => PersonCategories.Count > 0 || Indicators.Count > 0;
}

/// <summary>Steps 2A (a municipal task or power, not another body's) and 2B (object or subject, inside the municipality or
/// otherwise linked), pre-filled from the data and confirmed by the coordinator.</summary>
public sealed record SecondWeighing(bool MunicipalTask, string Basis, bool InMunicipality, string? Note, bool Prefilled, string By, DateTimeOffset At)
{
    [JsonIgnore] public bool GoesOn => MunicipalTask && InMunicipality;
}

/// <summary>Step 3: where the signal goes (protocol Fase 1): stop; the police (a proces-verbaal van bevindingen by a
/// BOA); another department's supervisors; or phase 2.</summary>
public enum Phase1Route { Stop, Police, Department, Phase2 }

public sealed record Phase1Decision(Phase1Route Route, string Motivation, string? Department, string By, DateTimeOffset At);

/// <summary>Step 4: what was handed to the recipient: a document (downloaded, audited) or a zaak in its zaaksysteem.</summary>
public sealed record Handoff(string Kind, string Recipient, string By, DateTimeOffset At, string? Reference = null);

/// <summary>Step 5: the recipient's result ("proces beëindigd", "voortgezet door …").</summary>
public sealed record Feedback(string Result, bool Ends, string By, DateTimeOffset At);

/// <summary>A signal's way through phase 1 of the protocol, step by step; nothing is overwritten.</summary>
public sealed record Phase1Record
{
    public FirstWeighing? First { get; init; }
    public SecondWeighing? Second { get; init; }
    public Phase1Decision? Decision { get; init; }
    public IReadOnlyList<Handoff> Handoffs { get; init; } = [];
    public IReadOnlyList<Feedback> Feedback { get; init; } = [];

    /// <summary>Why a route may not be taken yet (null: it may). Stop is always possible; going on needs both weighings.</summary>
    public static string? Blocks(Phase1Record? p, Phase1Route route)
    {
        if (route == Phase1Route.Stop) return null;
        if (p?.First is not { } first) return "eerst de eerste weging (stap 1)";
        if (!first.GoesOn) return "volgens de eerste weging is er geen aanwijzing voor ondermijning: alleen stoppen is mogelijk";
        if (p.Second is not { } second) return "eerst weging 2A en 2B (stap 2)";
        if (!second.GoesOn) return "volgens weging 2A/2B is het geen taak van de gemeente of niet binnen de gemeente: alleen stoppen is mogelijk";
        return null;
    }
}

public static class Phase1Words
{
    public static string Nl(Phase1Route r) => r switch
    {
        Phase1Route.Stop => "stoppen", Phase1Route.Police => "naar de politie (proces-verbaal van bevindingen door een BOA)",
        Phase1Route.Department => "naar toezichthouders van een andere afdeling", _ => "door naar fase 2",
    };
}
