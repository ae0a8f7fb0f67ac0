using SignalPipeline.Analysis.Register;

namespace SignalPipeline.Analysis.Signals;

/// <summary>How one model version's signals fared in phase 1 (docs/contracts/models.md v2, "Outcomes and quality"):
/// counts and dates only, never a person. Precision = doorgezet / decided; lift = precision / the random control
/// sample's doorgezet rate (CTL), which says whether the model beats chance.</summary>
public sealed record QualityRow(string Model, string Version)
{
    public int Raised { get; init; }
    public int Open { get; init; }
    public int Decided { get; init; }
    public int Doorgezet { get; init; }
    public int Onterecht { get; init; }
    public int Bekend { get; init; }
    public int GeenPrioriteit { get; init; }
    /// <summary>Dismissed before outcome categories were recorded.</summary>
    public int Uncategorised { get; init; }
    /// <summary>Decided and not taken further (stopped): every outcome but doorgezet.</summary>
    public int Dismissed => Onterecht + Bekend + GeenPrioriteit + Uncategorised;
    /// <summary>Of the doorgezet ones, those taken into phase 2 (the others went to the police or another department).</summary>
    public int PhaseTwo { get; init; }
    public DateOnly? FirstDecision { get; init; }
    public DateOnly? LastDecision { get; init; }
    public decimal? Precision => Decided > 0 ? Math.Round((decimal)Doorgezet / Decided, 4) : null;
    /// <summary>The control sample's doorgezet rate this is compared with (null: no CTL decisions yet).</summary>
    public decimal? ControlRate { get; init; }
    public decimal? Lift => Precision is { } p && ControlRate is { } c && c > 0 ? Math.Round(p / c, 2) : null;
    /// <summary>The register's stop criterion is met: the model is proposed for suspension.</summary>
    public bool StopMet { get; init; }
    public string? StopReason { get; init; }
}

public static class ModelQuality
{
    public const string ControlModel = "CTL";

    /// <summary>Per model and version, from the signalenregister; a returned signal's earlier decision counts too.
    /// <paramref name="register"/> supplies the stop criteria.</summary>
    public static IReadOnlyList<QualityRow> Compute(IEnumerable<SignalState> signals, DpiaRegister? register = null)
    {
        var rows = new Dictionary<(string, string), QualityRow>();
        QualityRow Row(string model, string version) => rows.TryGetValue((model, version), out var r) ? r : rows[(model, version)] = new QualityRow(model, version);
        foreach (var s in signals)
        {
            if (s.Review == ReviewState.Erased) continue;
            var decisions = new[] { s.Decision, s.PreviousDecision }.OfType<Decision>().ToList();
            var raisedVersion = decisions.FirstOrDefault()?.ModelVersion ?? s.ModelVersion;
            var raised = Row(s.Model, raisedVersion);
            rows[(s.Model, raisedVersion)] = raised with { Raised = raised.Raised + 1, Open = raised.Open + (s.Review == ReviewState.Open ? 1 : 0) };
            foreach (var d in decisions)
            {
                var r = Row(s.Model, d.ModelVersion ?? s.ModelVersion);
                var day = DateOnly.FromDateTime(d.At.UtcDateTime);
                var outcome = d.Outcome ?? (d.State == ReviewState.Registered ? Outcome.Doorgezet : null);
                rows[(r.Model, r.Version)] = r with
                {
                    Decided = r.Decided + 1,
                    Doorgezet = r.Doorgezet + (outcome == Outcome.Doorgezet ? 1 : 0),
                    Onterecht = r.Onterecht + (outcome == Outcome.Onterecht ? 1 : 0),
                    Bekend = r.Bekend + (outcome == Outcome.Bekend ? 1 : 0),
                    GeenPrioriteit = r.GeenPrioriteit + (outcome == Outcome.GeenPrioriteit ? 1 : 0),
                    Uncategorised = r.Uncategorised + (outcome is null ? 1 : 0),
                    // The route is kept for the decision in force; a decision from before routes existed went to phase 2.
                    PhaseTwo = r.PhaseTwo + (d.State == ReviewState.Registered && (d != s.Decision || s.Phase1?.Decision?.Route is null or Phase1Route.Phase2) ? 1 : 0),
                    FirstDecision = r.FirstDecision is { } f && f < day ? f : day,
                    LastDecision = r.LastDecision is { } l && l > day ? l : day,
                };
            }
        }
        // The control rate pools every CTL version: the sample is drawn the same way in each.
        var control = rows.Values.Where(r => r.Model == ControlModel).ToList();
        var (controlDecided, controlTaken) = (control.Sum(r => r.Decided), control.Sum(r => r.Doorgezet));
        decimal? rate = controlDecided > 0 ? Math.Round((decimal)controlTaken / controlDecided, 4) : null;
        return rows.Values
            .Select(r => r.Model == ControlModel ? r : r with { ControlRate = rate })
            .Select(r => Stop(r, register?.Find(r.Model)?.StopCriterion))
            .OrderBy(r => r.Model, StringComparer.Ordinal).ThenBy(r => r.Version, StringComparer.Ordinal).ToList();
    }

    static QualityRow Stop(QualityRow r, StopCriterion? c) =>
        c is not null && r.Decided >= c.MinDecisions && r.Precision < c.MinPrecision
            ? r with { StopMet = true, StopReason = $"precisie {Comma(r.Precision!.Value)} onder {Comma(c.MinPrecision)} na {r.Decided} besluiten (minimaal {c.MinDecisions})" }
            : r;

    static string Comma(decimal d) => Extracts.DutchNumbers.Of(d, "0.00");
}
