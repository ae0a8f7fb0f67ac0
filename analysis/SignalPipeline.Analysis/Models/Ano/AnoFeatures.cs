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
        var order = world.TerritoryInPseudonymOrder;
        var ids = order.Select(v => world.Objects[v].Id).ToArray();
        var byObject = new float[world.Objects.Count][];
        // Each row reads the linked world only: rows are computed side by side, a range of objects per task, each into
        // its own slot, in the world's own order (memory is walked front to back), then put in pseudonym order.
        Parallel.ForEach(System.Collections.Concurrent.Partitioner.Create(0, world.Objects.Count, 16_384),
            range => Fill(ctx, m2Cap, range.Item1, range.Item2, byObject));
        var rows = order.Select(v => byObject[v]).ToArray();
        return (ids, rows);
    }

    /// <summary>The feature rows of objects <paramref name="from"/> to <paramref name="to"/> inside the territory.</summary>
    static void Fill(ModelContext ctx, decimal m2Cap, int from, int to, float[][] byObject)
    {
        var world = ctx.World;
        for (var v = from; v < to; v++)
        {
            if (!world.InTerritory(v)) continue;
            var vbo = world.Objects[v];
            int residents = 0, recent = 0, enforcement = 0, permits = 0;
            var regs = world.RegistrationsAt(v);
            var registrations = regs.Count;
            foreach (var r in regs)
            {
                if (r.FunctieAdres != "W") continue;
                residents++;
                if (ctx.Within(Extracts.Dates.ToDateOnly(r.DatumAanvang), 365)) recent++;
            }
            foreach (var c in world.EnforcementAt(v)) if (c.Type != "controle" && c.Status != "ingetrokken" && ctx.Within(c.DatumStart, 730)) enforcement++;
            foreach (var p in world.PermitsAt(v)) if (p.Status is "aangevraagd" or "verleend" && ctx.Within(p.DatumAanvraag, 730)) permits++;
            var m2 = residents == 0 ? (float)m2Cap : (float)Math.Min(m2Cap, (decimal)vbo.Oppervlakte / residents);
            byObject[v] = [residents, registrations - residents, m2, residents == 0 ? 0f : recent / (float)residents, enforcement, permits, vbo.HasWoonfunctie ? 1f : 0f];
        }
    }
}
