using SignalPipeline.Analysis.Privacy;
using SignalPipeline.Analysis.Runs;
using SignalPipeline.Analysis.Snapshots;
using SignalPipeline.Functions.Azure;

namespace SignalPipeline.Functions.Pipeline;

public sealed record RevealedIdentity(string? VerblijfsobjectId, string? Address, IReadOnlyList<string> Bsn, IReadOnlyList<string> Kvk, IReadOnlyList<string> Names);

/// <summary>Opens identity envelopes for one signal, from the snapshots its run used. The only way back from a
/// pseudonym to a person or address; callers must check the role and audit with a reason first. Nothing is cached.</summary>
public sealed class IdentityResolver(SnapshotStore snapshots, IKeyProvider keys)
{
    public async Task<RevealedIdentity> RevealAsync(string? vboPseudonym, IReadOnlyList<string> subjects, IReadOnlyList<SnapshotUse> lineage, CancellationToken ct = default)
    {
        var material = await keys.GetAsync(ct);
        var envelope = new IdentityEnvelope(material.EnvelopeKey, material.EnvelopeKeyVersion);
        string? vboId = null, address = null;
        var bsns = new List<string>(); var kvks = new List<string>(); var names = new List<string>();

        async Task<SnapshotTable?> Load(string source)
        {
            var use = lineage.FirstOrDefault(s => s.Source == source);
            if (use is null || await snapshots.GetManifestAsync(use.SnapshotId, ct) is not { } m) return null;
            return await snapshots.LoadAsync(m, withEnvelope: true, ct: ct);
        }
        Dictionary<string, string>? Open(string source, SnapshotTable t, int row) =>
            t.Envelope(row) is { } sealedBytes ? envelope.Open($"{source}|{t.Column(SourceKey(source))[row]}", sealedBytes) : null;

        if (vboPseudonym is not null && await Load("bag") is { } bag)
        {
            var col = bag.Column("verblijfsobject_id");
            for (var i = 0; i < bag.RowCount; i++)
                if (col[i] == vboPseudonym && Open("bag", bag, i) is { } f)
                { vboId = f.GetValueOrDefault("verblijfsobject_id"); address = FormatAddress(f.GetValueOrDefault("adres")); break; }
        }
        var persons = subjects.Where(s => s.StartsWith(IdKind.Bsn.Prefix())).ToHashSet();
        if (persons.Count > 0 && await Load("brp") is { } brp)
        {
            var col = brp.Column("bsn");
            for (var i = 0; i < brp.RowCount; i++)
                if (col[i] is { } p && persons.Contains(p) && Open("brp", brp, i) is { } f)
                {
                    bsns.Add(f["bsn"]);
                    names.Add(string.Join(' ', new[] { f.GetValueOrDefault("voornamen"), f.GetValueOrDefault("voorvoegsel"), f.GetValueOrDefault("geslachtsnaam") }.Where(x => !string.IsNullOrEmpty(x))));
                }
        }
        var companies = subjects.Where(s => s.StartsWith(IdKind.Kvk.Prefix())).ToHashSet();
        foreach (var source in new[] { "permits", "enforcement" })
        {
            if (companies.Count == kvks.Count || await Load(source) is not { } t) continue;
            var column = source == "permits" ? "aanvrager_kvk" : "betrokkene_kvk";
            var col = t.Column(column);
            for (var i = 0; i < t.RowCount; i++)
                if (col[i] is { } k && companies.Contains(k) && Open(source, t, i) is { } f && f.TryGetValue(column, out var plain) && !kvks.Contains(plain))
                    kvks.Add(plain);
        }
        return new RevealedIdentity(vboId, address, bsns, kvks, names.Where(n => n.Length > 0).ToList());
    }

    static string SourceKey(string source) => source switch { "brp" => "bsn", "bag" => "verblijfsobject_id", _ => "zaak_id" };

    /// <summary>"5664AB|12|A|2" → "5664AB 12A-2".</summary>
    public static string? FormatAddress(string? key)
    {
        if (key is null) return null;
        var p = key.Split('|');
        return p.Length != 4 ? key : $"{p[0]} {p[1]}{p[2]}{(p[3].Length > 0 ? "-" + p[3] : "")}";
    }
}
