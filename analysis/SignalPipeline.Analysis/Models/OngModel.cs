namespace SignalPipeline.Analysis.Models;

/// <summary>ONG Inschrijving op ongeldig object: registrations (W or B) at a VBO whose status or pand status says it
/// does not (or no longer) exist, or at a verblijfsobject_id that BAG does not know.</summary>
public sealed class OngModel : ISignalModel
{
    static readonly HashSet<string> InvalidStatus =
        ["Niet gerealiseerd verblijfsobject", "Verblijfsobject ingetrokken", "Verblijfsobject buiten gebruik", "Verblijfsobject ten onrechte opgevoerd", "Plaats ingetrokken"];
    static readonly HashSet<string> InvalidPandStatus = ["Pand gesloopt", "Niet gerealiseerd pand", "Pand ten onrechte opgevoerd"];

    public string Id => "ONG";
    public string Version => "1.0.0";
    public string Description => "Inschrijvingen (woon- of briefadres) op een verblijfsobject dat volgens de BAG niet gerealiseerd, ingetrokken, buiten gebruik of ten onrechte opgevoerd is, in een gesloopt of niet gerealiseerd pand, of dat de BAG niet kent.";
    public string Name => "Inschrijving op ongeldig object";
    public string Theme => "adresfraude";
    public IReadOnlyDictionary<string, decimal> DefaultParameters { get; } = new Dictionary<string, decimal> { ["min_registrations"] = 1 };
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Reads { get; } = new Dictionary<string, IReadOnlyList<string>>
    {
        ["brp"] = Models.Reads.With("bsn", "functie_adres"),
        ["bag"] = Models.Reads.With("status", "pand_status"),
    };

    public string Explain(Evidence e, IReadOnlyDictionary<string, decimal> p) =>
        $"{e["registrations"]} inschrijving(en) op een object dat volgens de BAG niet (meer) bestaat of bewoonbaar is: " +
        $"status {e["status"]}{(e["pand_status"] is { Length: > 0 } ps and not "?" ? $", pandstatus {ps}" : "")}.";

    public IEnumerable<Signals.Signal> Run(ModelContext ctx)
    {
        var min = ctx.P("min_registrations");
        var found = new List<Signals.Signal>();
        foreach (var (vboId, regs) in ctx.World.RegistrationsByVbo)
        {
            var vbo = ctx.World.Vbos[vboId];
            if (!ctx.InTerritory(vbo) || regs.Count < min) continue;
            if (!InvalidStatus.Contains(vbo.Status) && !(vbo.PandStatus is { } ps && InvalidPandStatus.Contains(ps))) continue;
            found.Add(ctx.Raise(this, vboId, vboId, [], ("status", vbo.Status), ("pand_status", vbo.PandStatus ?? ""), ("registrations", regs.Count)));
        }
        foreach (var (vboId, regs) in ctx.World.RegistrationsAtUnknownVbo)
        {
            // The id's own gemeentecode decides the territory: BAG cannot, it does not know the object.
            if (regs.Count < min || regs[0].VboGemeente is not { } gemeente || !ctx.World.InTerritory(gemeente)) continue;
            found.Add(ctx.Raise(this, vboId, vboId, [], ("status", "niet in BAG"), ("pand_status", ""), ("registrations", regs.Count)));
        }
        return found.OrderBy(s => s.SignalId, StringComparer.Ordinal);
    }
}
