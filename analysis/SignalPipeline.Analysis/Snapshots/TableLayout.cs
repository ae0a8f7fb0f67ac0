using SignalPipeline.Analysis.Extracts;

namespace SignalPipeline.Analysis.Snapshots;

/// <summary>The columns of a snapshot table: pseudonymised id columns (same name as in the extract), <c>adres</c>
/// (pseudonym of the address key), the permitted analysis columns, and derived columns that start with '_':
/// <c>_line</c> (line in the extract), <c>_vbo_gemeente</c> (gemeentecode of the VBO id), <c>_vbo_type</c> (its object type:
/// 01 verblijfsobject, 02 ligplaats, 03 standplaats), <c>_pc4</c>.</summary>
public sealed class TableLayout
{
    static readonly HashSet<string> AddressParts = ["postcode", "huisnummer", "huisletter", "huisnummertoevoeging"];
    readonly Dictionary<string, int> ordinals;

    public IReadOnlyList<string> Columns { get; }
    public IReadOnlyList<string> Pseudonymised { get; }
    public IReadOnlyList<string> Enveloped { get; }
    public int KeyOrdinal { get; }
    public int AddressOrdinal => ordinals["adres"];
    public int LineOrdinal => ordinals["_line"];
    public int VboGemeenteOrdinal => ordinals["_vbo_gemeente"];
    public int VboTypeOrdinal => ordinals["_vbo_type"];
    public int Pc4Ordinal => ordinals["_pc4"];
    /// <summary>The derived analysis column <c>volwassen</c> (BRP, from the birth date on the peildatum), or -1.</summary>
    public int VolwassenOrdinal => ordinals.TryGetValue(Volwassen, out var i) ? i : -1;
    public const string Volwassen = "volwassen";

    TableLayout(List<string> columns, List<string> pseudonymised, List<string> enveloped, string key)
    {
        Columns = columns;
        Pseudonymised = pseudonymised;
        Enveloped = enveloped;
        ordinals = columns.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => p.i);
        KeyOrdinal = ordinals[key];
    }

    /// <summary>Unknown names (a column absent from this file) get a scratch slot that is never stored.</summary>
    public int Ordinal(string name) => ordinals.TryGetValue(name, out var i) ? i : ordinals["_scratch"];

    /// <param name="deriveVolwassen">Add <c>volwassen</c> (BRP with a birth date, when the register permits it): models
    /// count adults without ever seeing the birth date, which stays in the envelope (models.md v2, OVB).</param>
    public static TableLayout For(SourceSchema schema, IEnumerable<string> present, bool deriveVolwassen = false)
    {
        var set = present.ToHashSet();
        var columns = new List<string>();
        var pseudo = new List<string>();
        var enveloped = new List<string>();
        foreach (var c in schema.Columns.Where(c => set.Contains(c.Name)))
        {
            if (AddressParts.Contains(c.Name)) { enveloped.Add(c.Name); continue; }
            switch (c.Kind)
            {
                case ColumnKind.Id: columns.Add(c.Name); pseudo.Add(c.Name); enveloped.Add(c.Name); break;
                case ColumnKind.Envelope: enveloped.Add(c.Name); break;
                default: columns.Add(c.Name); break;
            }
        }
        if (deriveVolwassen && set.Contains("geboortedatum")) columns.Add(Volwassen);
        if (!columns.Contains("verblijfsobject_id")) columns.Add("verblijfsobject_id");
        columns.Add("adres");
        if (set.Overlaps(AddressParts)) pseudo.Add("adres");
        columns.AddRange(["_line", "_vbo_gemeente", "_vbo_type", "_pc4", "_scratch"]);
        return new TableLayout(columns, pseudo, enveloped, schema.KeyColumn);
    }
}
