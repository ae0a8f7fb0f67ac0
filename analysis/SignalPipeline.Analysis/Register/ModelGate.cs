namespace SignalPipeline.Analysis.Register;

/// <summary>What a model declares about itself; the gate compares it with the register.</summary>
public sealed record ModelDescriptor(
    string Id,
    string Version,
    IReadOnlyDictionary<string, decimal> Parameters,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Reads)
{
    /// <summary>SHA-256 of the model's implementation as built; null only in tests of the other checks.</summary>
    public string? CodeHash { get; init; }
}

public enum GateOutcome { Run, Shadow, Refused }

public sealed record GateDecision(GateOutcome Outcome, string? Reason, ModelApproval? Approval);

/// <summary>The DPIA gate: a model runs only with a current approval of exactly its version, parameters,
/// sources and columns. <c>experimental</c> runs in shadow mode (nothing queued); <c>suspended</c> is the kill switch.</summary>
public static class ModelGate
{
    public static GateDecision Check(ModelDescriptor model, DpiaRegister register, DateOnly runDate)
    {
        var a = register.Find(model.Id);
        if (a is null) return Refuse($"model {model.Id} is not in the DPIA register", null);
        if (a.Status == ApprovalStatus.Suspended) return Refuse($"model {model.Id} is suspended in the DPIA register", a);
        if (a.Version != model.Version)
            return Refuse($"register approves version {a.Version}, the deployed model is version {model.Version}", a);
        if (model.CodeHash is { } built && a.CodeHash != built)
            return Refuse(a.CodeHash is null
                ? $"the approval of {model.Id} {model.Version} binds no code hash; this build's is {built[..12]}"
                : $"code hash differs: the register approved {a.CodeHash[..Math.Min(12, a.CodeHash.Length)]}, this build of {model.Id} {model.Version} is {built[..12]}", a);
        if (a.ReviewBy < runDate)
            return Refuse($"the approval expired: review-by date {a.ReviewBy:yyyy-MM-dd} is before the run date {runDate:yyyy-MM-dd}", a);
        if (a.ApprovedOn > runDate)
            return Refuse($"the approval starts on {a.ApprovedOn:yyyy-MM-dd}, after the run date", a);

        foreach (var (name, value) in model.Parameters.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (!a.Parameters.TryGetValue(name, out var approved))
                return Refuse($"parameter {name} is not approved in the register", a);
            if (approved != value)
                return Refuse($"parameter {name} is {value}, the register approved {approved}", a);
        }
        foreach (var name in a.Parameters.Keys.Where(k => !model.Parameters.ContainsKey(k)).Order(StringComparer.Ordinal))
            return Refuse($"the register approves parameter {name}, which this model version does not have", a);

        foreach (var (source, columns) in model.Reads.OrderBy(r => r.Key, StringComparer.Ordinal))
        {
            a.Reads.TryGetValue(source, out var approvedCols);
            var permitted = register.PermittedColumns(source);
            foreach (var col in columns)
            {
                if (approvedCols is null || !approvedCols.Contains(col))
                    return Refuse($"the model reads {source}.{col}, which its approval does not list", a);
                if (!permitted.Contains(col))
                    return Refuse($"the model reads {source}.{col}, which the register does not permit for {source}", a);
            }
        }
        return new GateDecision(a.Status == ApprovalStatus.Approved ? GateOutcome.Run : GateOutcome.Shadow, null, a);
    }

    static GateDecision Refuse(string reason, ModelApproval? a) => new(GateOutcome.Refused, reason, a);
}
