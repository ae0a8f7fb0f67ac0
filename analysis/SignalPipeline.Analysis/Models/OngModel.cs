using SignalPipeline.Analysis.Linking;

namespace SignalPipeline.Analysis.Models;

/// <summary>ONG Inschrijving op ongeldig object: registrations (W or B) at a VBO whose status or pand status says it
/// does not (or no longer) exist, or at a verblijfsobject_id that BAG does not know.</summary>
/// Version 2 (models.md v2): ligplaatsen and standplaatsen are valid objects (as in 1.0.0 since LV BAG 2.0), excluded
/// objects never raise, and a signal whose every registration is already in onderzoek is not raised.
public sealed class OngModel(int generation = 1) : ISignalModel
{
    bool V2 => generation >= 2;
    static readonly HashSet<string> InvalidStatus =
        ["Niet gerealiseerd verblijfsobject", "Verblijfsobject ingetrokken", "Verblijfsobject buiten gebruik", "Verblijfsobject ten onrechte opgevoerd", "Plaats ingetrokken"];
    static readonly HashSet<string> InvalidPandStatus = ["Pand gesloopt", "Niet gerealiseerd pand", "Pand ten onrechte opgevoerd"];

    public string Id => "ONG";
    public string Version => V2 ? "2.0.0" : "1.0.0";
    public string Description => "Inschrijvingen (woon- of briefadres) op een verblijfsobject dat volgens de BAG niet gerealiseerd, ingetrokken, buiten gebruik of ten onrechte opgevoerd is, in een gesloopt of niet gerealiseerd pand, of dat de BAG niet kent.";
    public string Name => "Inschrijving op ongeldig object";
    public string Theme => "adresfraude";
    public IReadOnlyDictionary<string, decimal> DefaultParameters { get; } = new Dictionary<string, decimal> { ["min_registrations"] = 1 };
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Reads => new Dictionary<string, IReadOnlyList<string>>
    {
        ["brp"] = V2 ? Models.Reads.With("bsn", "functie_adres", "in_onderzoek") : Models.Reads.With("bsn", "functie_adres"),
        ["bag"] = Models.Reads.With("status", "pand_status"),
    };

    public string Explain(Evidence e, IReadOnlyDictionary<string, decimal> p) =>
        $"{e["registrations"]} inschrijving(en) op een object dat volgens de BAG niet (meer) bestaat of bewoonbaar is: " +
        $"status {e["status"]}{(e["pand_status"] is { Length: > 0 } ps and not "?" ? $", pandstatus {ps}" : "")}." + V2Rules.Onderzoek(e);

    public IEnumerable<Signals.Signal> Run(ModelContext ctx)
    {
        var min = ctx.P("min_registrations");
        var found = new List<Signals.Signal>();
        var world = ctx.World;
        for (var v = 0; v < world.Objects.Count; v++)
        {
            var regs = world.RegistrationsAt(v);
            if (regs.Count == 0 || regs.Count < min || !world.InTerritory(v)) continue;
            var (vbo, vboId) = (world.Objects[v], world.Objects[v].Id);
            if (!InvalidStatus.Contains(vbo.Status) && !(vbo.PandStatus is { } ps && InvalidPandStatus.Contains(ps))) continue;
            if (V2 && V2Rules.Skips(ctx, vboId, regs)) continue;
            found.Add(Raise(ctx, vboId, regs, vbo.Status, vbo.PandStatus ?? ""));
        }
        foreach (var (vboId, regs) in ctx.World.RegistrationsAtUnknownVbo)
        {
            // The id's own gemeentecode decides the territory: BAG cannot, it does not know the object.
            if (regs.Count < min || regs[0].VboGemeente is not { } gemeente || !ctx.World.InTerritory(gemeente)) continue;
            // v2: a ligplaats or standplaats (type 02, 03) is a lawful address, even where the BAG extract lists
            // verblijfsobjecten only: a registration there is not "absent from BAG".
            if (V2 && (V2Rules.Skips(ctx, vboId, regs) || regs[0].VboType is "02" or "03")) continue;
            found.Add(Raise(ctx, vboId, regs, "niet in BAG", ""));
        }
        return found.OrderBy(s => s.SignalId, StringComparer.Ordinal);
    }

    Signals.Signal Raise(ModelContext ctx, string vboId, IReadOnlyList<Registration> regs, string status, string pandStatus)
    {
        (string, object)[] evidence = [("status", status), ("pand_status", pandStatus), ("registrations", regs.Count)];
        return ctx.Raise(this, vboId, vboId, [], V2 ? [.. evidence, V2Rules.OnderzoekEvidence(regs)] : evidence);
    }
}
