namespace SignalPipeline.Analysis.Models;

/// <summary>BRF Briefadresconcentratie: postal registrations (functie_adres B) at one VBO ≥ 3.</summary>
/// Version 2 (models.md v2): the exclusion list applies (the municipality's own briefadres for homeless people is the
/// system working), evidence counts the postal registrations in onderzoek, all in onderzoek raises nothing.
public sealed class BrfModel(int generation = 1) : ISignalModel
{
    bool V2 => generation >= 2;
    public string Id => "BRF";
    public string Version => V2 ? "2.0.0" : "1.0.0";
    public string Description => "Een verblijfsobject met minstens {min_postal} briefadressen.";
    public string Name => "Briefadresconcentratie";
    public string Theme => "adresfraude, fraude";
    public IReadOnlyDictionary<string, decimal> DefaultParameters { get; } = new Dictionary<string, decimal> { ["min_postal"] = 3 };
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Reads => new Dictionary<string, IReadOnlyList<string>>
    {
        ["brp"] = V2 ? Models.Reads.With("bsn", "functie_adres", "in_onderzoek") : Models.Reads.With("bsn", "functie_adres"),
        ["bag"] = Models.Reads.Location,
    };

    public string Explain(Evidence e, IReadOnlyDictionary<string, decimal> p) =>
        $"{e["postal_registrations"]} briefadressen op één verblijfsobject, drempel {Evidence.Number(p["min_postal"])}." + V2Rules.Onderzoek(e);

    public IEnumerable<Signals.Signal> Run(ModelContext ctx)
    {
        var world = ctx.World;
        for (var v = 0; v < world.Objects.Count; v++)
        {
            var regs = world.RegistrationsAt(v);
            if (regs.Count == 0 || !world.InTerritory(v)) continue;
            var vboId = world.Objects[v].Id;
            var postal = 0;
            foreach (var r in regs) if (r.FunctieAdres == "B") postal++;
            if (postal < ctx.P("min_postal")) continue;
            var postalRegs = regs.Where(r => r.FunctieAdres == "B").ToList();
            if (V2 && V2Rules.Skips(ctx, vboId, postalRegs)) continue;
            yield return V2 ? ctx.Raise(this, vboId, vboId, [], ("postal_registrations", postal), V2Rules.OnderzoekEvidence(postalRegs))
                : ctx.Raise(this, vboId, vboId, [], ("postal_registrations", postal));
        }
    }
}
