using SignalPipeline.Analysis.Linking;

namespace SignalPipeline.Analysis.Models;

/// <summary>What every person-based rule of catalogue v2 shares (docs/contracts/models.md v2): registrations whose address
/// the municipality is already investigating are counted and shown, and a signal whose every registration is already in
/// onderzoek is not raised: it would add nothing but processing.</summary>
public static class V2Rules
{
    public const string OnderzoekKey = "al_in_onderzoek";

    /// <summary>Generic over the list, so an object's slice of registrations is read in place (no boxing per object).</summary>
    public static bool AllInOnderzoek<TList>(TList regs) where TList : IReadOnlyList<Registration>
    {
        for (var i = 0; i < regs.Count; i++) if (!regs[i].InOnderzoek) return false;
        return regs.Count > 0;
    }

    /// <summary>What every person-based v2 rule skips: an object on the approval's exclusion list, or registrations that
    /// are all in onderzoek already.</summary>
    public static bool Skips<TList>(ModelContext ctx, string vboId, TList regs) where TList : IReadOnlyList<Registration> =>
        ctx.Excluded.Contains(vboId) || AllInOnderzoek(regs);

    public static (string, object) OnderzoekEvidence(IEnumerable<Registration> regs) => (OnderzoekKey, regs.Count(r => r.InOnderzoek));

    /// <summary>The explanation's sentence about it (v2 evidence only; empty for v1 signals and when none is in onderzoek).</summary>
    public static string Onderzoek(Evidence e) =>
        e.Has(OnderzoekKey) && e[OnderzoekKey] is not "0" ? $" Al in onderzoek: {e[OnderzoekKey]} inschrijving(en)." : "";
}
