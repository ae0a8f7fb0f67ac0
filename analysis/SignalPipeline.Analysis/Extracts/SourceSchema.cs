namespace SignalPipeline.Analysis.Extracts;

/// <summary>How a column is treated at the door (docs/contracts/extracts.md "Sources and columns").</summary>
public enum ColumnKind
{
    /// <summary>Direct identifier: pseudonymised; plain only inside the encrypted identity envelope.</summary>
    Id,
    /// <summary>Kept only encrypted, for reveal.</summary>
    Envelope,
    /// <summary>May be used by models when the DPIA register permits it.</summary>
    Analysis,
}

public enum CellType
{
    Bsn, Kvk, Rsin, VerblijfsobjectId, PandId, NummeraanduidingId, Zaak,
    Postcode, Huisnummer, Huisletter, Toevoeging, AddressPart,
    Date, Text, Boolean, Gemeentecode, Enum, EnumList, Integer,
}

public sealed record ColumnSpec(
    string Name,
    ColumnKind Kind,
    CellType Type,
    bool Required = false,
    IReadOnlyList<string>? Values = null,
    int Min = 0,
    int Max = int.MaxValue);

/// <summary>The v1 contract for one source: its columns, the column whose duplicates collapse (last wins),
/// and whether each row must locate itself by VBO id or address.</summary>
public sealed record SourceSchema(
    string Name,
    IReadOnlyList<ColumnSpec> Columns,
    string KeyColumn,
    bool NeedsLocation,
    IReadOnlyList<string[]> OneOfRequired)
{
    public const int Version = 1;

    public ColumnSpec? Find(string name) => Columns.FirstOrDefault(c => c.Name == name);

    /// <summary>Columns that no DPIA register can permit (DOMAIN.md, "never used").</summary>
    public static readonly IReadOnlySet<string> Banned = new HashSet<string>(StringComparer.Ordinal)
    {
        "nationaliteit", "nationaliteiten", "geboorteland", "geboorteplaats", "geslacht", "geslachtsaanduiding",
        "etniciteit", "land_van_herkomst", "herkomst", "religie", "geboorteland_ouders",
    };

    public static SourceSchema For(string source) => source switch
    {
        "brp" => SourceSchemas.Brp,
        "bag" => SourceSchemas.Bag,
        "permits" => SourceSchemas.Permits,
        "enforcement" => SourceSchemas.Enforcement,
        _ => throw new ArgumentException($"Unknown source '{source}'; expected brp, bag, permits or enforcement."),
    };

    public static readonly IReadOnlyList<string> All = ["brp", "bag", "permits", "enforcement"];
}
