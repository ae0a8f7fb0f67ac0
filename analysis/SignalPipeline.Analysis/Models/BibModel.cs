using SignalPipeline.Analysis.Linking;

namespace SignalPipeline.Analysis.Models;

/// <summary>BIB Bibob-relevante aanvraag: a pending horeca, alcohol or seksinrichting application whose applicant (same
/// BSN, KvK or RSIN) or VBO has a serious enforcement case (dwangsom, bestuursdwang, boete, 13b, 174a) started within
/// 1095 days. One signal per application (its zaak pseudonym is the key).</summary>
/// Version 2 (models.md v2): permits at objects on the exclusion list never raise.
public sealed class BibModel(int generation = 1) : ISignalModel
{
    bool V2 => generation >= 2;
    static readonly HashSet<string> Zaaktypes = ["exploitatievergunning_horeca", "alcoholwetvergunning", "exploitatievergunning_seksinrichting"];
    static readonly HashSet<string> Serious = ["last_onder_dwangsom", "last_onder_bestuursdwang", "bestuurlijke_boete", "sluiting_13b_opiumwet", "sluiting_174a_gemeentewet"];

    public string Id => "BIB";
    public string Version => V2 ? "2.0.0" : "1.0.0";
    public string Description => "Een aangevraagde horeca-, alcohol- of seksinrichtingvergunning waarvan de aanvrager (zelfde BSN, KvK of RSIN) of het pand in {window_days} dagen een last onder dwangsom of bestuursdwang, bestuurlijke boete of sluiting had.";
    public string Name => "Bibob-relevante aanvraag";
    public string Theme => "witwassen, ondermijning horeca";
    public IReadOnlyDictionary<string, decimal> DefaultParameters { get; } = new Dictionary<string, decimal> { ["window_days"] = 1095 };
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Reads { get; } = new Dictionary<string, IReadOnlyList<string>>
    {
        ["permits"] = Models.Reads.With("zaak_id", "zaaktype", "status", "aanvrager_bsn", "aanvrager_kvk", "aanvrager_rsin"),
        ["enforcement"] = Models.Reads.With("zaak_id", "handhavingstype", "datum_start", "betrokkene_bsn", "betrokkene_kvk", "betrokkene_rsin"),
        ["bag"] = Models.Reads.Location,
    };

    public string Explain(Evidence e, IReadOnlyDictionary<string, decimal> p) =>
        $"Aanvraag {e["permit_zaaktype"].Replace('_', ' ')} terwijl de aanvrager of het pand in de afgelopen {Evidence.Number(p["window_days"])} dagen een zware handhavingsmaatregel had " +
        $"(gevonden via {e["match"]}): {e.Text("matched_enforcement")}.";

    public IEnumerable<Signals.Signal> Run(ModelContext ctx)
    {
        var serious = ctx.World.AllEnforcement.Where(c => Serious.Contains(c.Type) && ctx.Within(c.DatumStart, ctx.P("window_days")))
            .ToHashSet<EnforcementCase>(ReferenceEqualityComparer.Instance);
        var bySubject = serious.SelectMany(c => new[] { c.Bsn, c.Kvk, c.Rsin }.Where(s => s is not null).Select(s => (Subject: s!, Case: c)))
            .ToLookup(p => p.Subject, p => p.Case, StringComparer.Ordinal);
        var world = ctx.World;
        for (var v = 0; v < world.Objects.Count; v++)
        {
            var permits = world.PermitsAt(v);
            if (permits.Count == 0 || !world.InTerritory(v)) continue;
            var vboId = world.Objects[v].Id;
            if (V2 && ctx.Excluded.Contains(vboId)) continue;
            // The applications this rule looks at; an object without one costs no further work.
            var applications = permits.Where(p => p.Status == "aangevraagd" && Zaaktypes.Contains(p.Zaaktype)).ToList();
            if (applications.Count == 0) continue;
            var atObject = world.EnforcementAt(v).Where(serious.Contains).ToList();
            foreach (var p in applications.OrderBy(p => p.Zaak, StringComparer.Ordinal))
            {
                var subjects = new[] { p.Bsn, p.Kvk, p.Rsin }.Where(s => s is not null).Select(s => s!).ToList();
                var bySubj = subjects.SelectMany(s => bySubject[s]).Distinct().ToList();
                if (bySubj.Count == 0 && atObject.Count == 0) continue;
                var matched = bySubj.Union(atObject).OrderBy(c => c.DatumStart).ThenBy(c => c.Zaak, StringComparer.Ordinal).ToList();
                var how = (bySubj.Count > 0, atObject.Count > 0) switch { (true, true) => "subject en object", (true, false) => "subject", _ => "object" };
                yield return ctx.Raise(this, p.Zaak, vboId, subjects,
                    ("permit_zaaktype", p.Zaaktype),
                    ("matched_enforcement", string.Join("; ", matched.Select(c => $"{c.Type} {c.DatumStart:yyyy-MM-dd}"))),
                    ("match", how));
            }
        }
    }
}
