using SignalPipeline.Analysis.Linking;

namespace SignalPipeline.Analysis.Models.Ano;

/// <summary>The ANO feature matrix: one row per VBO inside the territory, in pseudonym order. Counts and shares only,
/// never a person attribute.</summary>
public static class AnoFeatures
{
    public static readonly string[] Names =
        ["residents", "postal_registrations", "m2_per_resident", "share_recent_arrivals", "enforcement_730d", "permits_730d", "has_woonfunctie"];

    public static (string[] VboIds, float[][] Rows) Compute(ModelContext ctx, decimal m2Cap)
    {
        var world = ctx.World;
        var ids = PseudonymOrder.Sort(world.Vbos.Values.Where(ctx.InTerritory).Select(v => v.Id));
        var rows = new float[ids.Length][];
        // Each row reads the linked world only: rows are computed side by side, each into its own slot.
        Parallel.For(0, ids.Length, i =>
        {
            var vbo = world.Vbos[ids[i]];
            var regs = world.RegistrationsByVbo.GetValueOrDefault(ids[i]) ?? [];
            var residents = regs.Count(r => r.FunctieAdres == "W");
            var postal = regs.Count - residents;
            var m2 = residents == 0 ? (float)m2Cap : (float)Math.Min(m2Cap, (decimal)vbo.Oppervlakte / residents);
            var recent = residents == 0 ? 0f : regs.Count(r => r.FunctieAdres == "W" && ctx.Within(Extracts.Dates.ToDateOnly(r.DatumAanvang), 365)) / (float)residents;
            var enforcement = world.EnforcementByVbo.GetValueOrDefault(ids[i])?.Count(c => c.Type != "controle" && c.Status != "ingetrokken" && ctx.Within(c.DatumStart, 730)) ?? 0;
            var permits = world.PermitsByVbo.GetValueOrDefault(ids[i])?.Count(p => p.Status is "aangevraagd" or "verleend" && ctx.Within(p.DatumAanvraag, 730)) ?? 0;
            rows[i] = [residents, postal, m2, recent, enforcement, permits, vbo.HasWoonfunctie ? 1f : 0f];
        });
        return (ids, rows);
    }
}
