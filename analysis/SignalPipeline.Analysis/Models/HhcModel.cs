using SignalPipeline.Analysis.Linking;

namespace SignalPipeline.Analysis.Models;

/// <summary>HHC Handhavingscumulatie: ≥ 3 enforcement cases (not controle, not ingetrokken) started within 730 days,
/// or any sluiting_13b_opiumwet started within 1095 days (docs/contracts/models.md says "any": its status is not looked at).</summary>
/// Version 2 (models.md v2): objects on the exclusion list never raise.
public sealed class HhcModel(int generation = 1) : ISignalModel
{
    bool V2 => generation >= 2;
    public string Id => "HHC";
    public string Version => V2 ? "2.0.0" : "1.0.0";
    public string Description => "Een verblijfsobject met minstens {min_cases} handhavingszaken (geen controle, niet ingetrokken) in {window_days} dagen, of een sluiting op grond van art. 13b Opiumwet in {opium_window_days} dagen.";
    public string Name => "Handhavingscumulatie";
    public string Theme => "ondermijning algemeen";
    public IReadOnlyDictionary<string, decimal> DefaultParameters { get; } = new Dictionary<string, decimal>
    {
        ["min_cases"] = 3, ["window_days"] = 730, ["opium_window_days"] = 1095,
    };
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Reads { get; } = new Dictionary<string, IReadOnlyList<string>>
    {
        ["enforcement"] = Models.Reads.With("zaak_id", "handhavingstype", "status", "datum_start"),
        ["bag"] = Models.Reads.Location,
    };

    /// <summary>Says what made it fire: enough cases in the window, a 13b closure, or both; never "0 cases, of which 1".</summary>
    public string Explain(Evidence e, IReadOnlyDictionary<string, decimal> p)
    {
        var parts = new List<string>();
        if (e["cases_in_window"] is not ("0" or "?"))
            parts.Add($"{e["cases_in_window"]} handhavingszaken (geen controle, niet ingetrokken) in de afgelopen {Evidence.Number(p["window_days"])} dagen");
        if (e.Has("count_sluiting_13b_opiumwet"))
            parts.Add($"{e["count_sluiting_13b_opiumwet"]} sluiting(en) op grond van art. 13b Opiumwet in de afgelopen {Evidence.Number(p["opium_window_days"])} dagen");
        var text = parts.Count > 0 ? string.Join("; daarnaast ", parts) : "handhavingszaken op dit verblijfsobject";
        return $"{char.ToUpperInvariant(text[0])}{text[1..]}; meest recente zaak {e.Date("most_recent")}.";
    }

    public IEnumerable<Signals.Signal> Run(ModelContext ctx)
    {
        var world = ctx.World;
        for (var v = 0; v < world.Objects.Count; v++)
        {
            var cases = world.EnforcementAt(v);
            if (cases.Count == 0 || !world.InTerritory(v)) continue;
            var vboId = world.Objects[v].Id;
            if (V2 && ctx.Excluded.Contains(vboId)) continue;
            bool Counted(EnforcementCase c) => c.Type != "controle" && c.Status != "ingetrokken" && ctx.Within(c.DatumStart, ctx.P("window_days"));
            bool Opium(EnforcementCase c) => c.Type == "sluiting_13b_opiumwet" && ctx.Within(c.DatumStart, ctx.P("opium_window_days"));
            // Counted first with plain loops; the lists are made only for an object that fires.
            var (nCounted, nOpium) = (0, 0);
            foreach (var c in cases) { if (Counted(c)) nCounted++; if (Opium(c)) nOpium++; }
            if (nCounted < ctx.P("min_cases") && nOpium == 0) continue;
            var counted = cases.Where(Counted).ToList();
            var opium = cases.Where(Opium).ToList();
            var relevant = counted.Union(opium).ToList();
            var evidence = relevant.GroupBy(c => c.Type).OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => ($"count_{g.Key}", (object)g.Count()))
                .Append(("cases_in_window", counted.Count))
                .Append(("most_recent", relevant.Max(c => c.DatumStart)!.Value.ToString("yyyy-MM-dd")))
                .ToArray();
            yield return ctx.Raise(this, vboId, vboId, [], evidence);
        }
    }
}
