namespace SignalPipeline.Analysis.Extracts;

/// <summary>The four sources of docs/contracts/extracts.md v1, column for column.</summary>
public static class SourceSchemas
{
    static ColumnSpec[] Location(bool withIds) =>
    [
        new("verblijfsobject_id", ColumnKind.Id, CellType.VerblijfsobjectId),
        .. withIds ? new ColumnSpec[] { new("nummeraanduiding_id", ColumnKind.Id, CellType.NummeraanduidingId) } : [],
        new("postcode", ColumnKind.Id, CellType.Postcode),
        new("huisnummer", ColumnKind.Id, CellType.Huisnummer),
        new("huisletter", ColumnKind.Id, CellType.Huisletter),
        new("huisnummertoevoeging", ColumnKind.Id, CellType.Toevoeging),
    ];

    public static readonly IReadOnlyList<string> VboStatus =
    [
        "Verblijfsobject gevormd", "Niet gerealiseerd verblijfsobject", "Verblijfsobject in gebruik (niet ingemeten)",
        "Verblijfsobject in gebruik", "Verbouwing verblijfsobject", "Verblijfsobject ingetrokken",
        "Verblijfsobject buiten gebruik", "Verblijfsobject ten onrechte opgevoerd",
        // Ligplaats and standplaats (LV BAG 2.0, sources.md).
        "Plaats aangewezen", "Plaats ingetrokken",
    ];

    public static readonly IReadOnlyList<string> PandStatus =
    [
        "Bouwvergunning verleend", "Niet gerealiseerd pand", "Bouw gestart", "Pand in gebruik (niet ingemeten)",
        "Pand in gebruik", "Verbouwing pand", "Sloopvergunning verleend", "Pand gesloopt", "Pand buiten gebruik",
        "Pand ten onrechte opgevoerd",
    ];

    public static readonly IReadOnlyList<string> Gebruiksdoelen =
    [
        "woonfunctie", "bijeenkomstfunctie", "celfunctie", "gezondheidszorgfunctie", "industriefunctie",
        "kantoorfunctie", "logiesfunctie", "onderwijsfunctie", "sportfunctie", "winkelfunctie", "overige gebruiksfunctie",
    ];

    public static readonly SourceSchema Brp = new("brp",
    [
        new("bsn", ColumnKind.Id, CellType.Bsn, Required: true),
        new("geslachtsnaam", ColumnKind.Envelope, CellType.Text),
        new("voorvoegsel", ColumnKind.Envelope, CellType.Text),
        new("voornamen", ColumnKind.Envelope, CellType.Text),
        new("geboortedatum", ColumnKind.Envelope, CellType.Date),
        .. Location(withIds: true),
        new("gemeentecode", ColumnKind.Analysis, CellType.Gemeentecode),
        new("functie_adres", ColumnKind.Analysis, CellType.Enum, Required: true, Values: ["W", "B"]),
        new("datum_aanvang_adreshouding", ColumnKind.Analysis, CellType.Date),
        new("in_onderzoek", ColumnKind.Analysis, CellType.Boolean),
    ], KeyColumn: "bsn", NeedsLocation: true, OneOfRequired: []);

    public static readonly SourceSchema Bag = new("bag",
    [
        new("verblijfsobject_id", ColumnKind.Id, CellType.VerblijfsobjectId, Required: true),
        new("nummeraanduiding_id", ColumnKind.Id, CellType.NummeraanduidingId),
        new("postcode", ColumnKind.Id, CellType.Postcode, Required: true),
        new("huisnummer", ColumnKind.Id, CellType.Huisnummer, Required: true),
        new("huisletter", ColumnKind.Id, CellType.Huisletter),
        new("huisnummertoevoeging", ColumnKind.Id, CellType.Toevoeging),
        new("woonplaats", ColumnKind.Analysis, CellType.Text),
        new("gebruiksdoelen", ColumnKind.Analysis, CellType.EnumList, Required: true, Values: Gebruiksdoelen),
        new("oppervlakte", ColumnKind.Analysis, CellType.Integer, Required: true, Min: 1, Max: 999999),
        new("status", ColumnKind.Analysis, CellType.Enum, Required: true, Values: VboStatus),
        new("pand_id", ColumnKind.Id, CellType.PandId),
        new("pand_status", ColumnKind.Analysis, CellType.Enum, Values: PandStatus),
        new("bouwjaar", ColumnKind.Analysis, CellType.Integer, Min: 1000, Max: 2200),
        // Beyond the v1 CSV contract: LV BAG gives the openbare ruimte's name; it is part of an address, so it lives in
        // the envelope only (the coordinator's reveal and hand-off show "Dorpsstraat 12, 5661AB Geldrop").
        new("straatnaam", ColumnKind.Envelope, CellType.Text),
    ], KeyColumn: "verblijfsobject_id", NeedsLocation: false, OneOfRequired: []);

    public static readonly SourceSchema Permits = new("permits",
    [
        new("zaak_id", ColumnKind.Id, CellType.Zaak, Required: true),
        new("zaaktype", ColumnKind.Analysis, CellType.Enum, Required: true, Values:
        [
            "exploitatievergunning_horeca", "alcoholwetvergunning", "exploitatievergunning_seksinrichting",
            "omzettingsvergunning", "onttrekkingsvergunning", "splitsingsvergunning", "omgevingsvergunning",
            "evenementenvergunning", "overig",
        ]),
        new("status", ColumnKind.Analysis, CellType.Enum, Required: true, Values:
            ["aangevraagd", "verleend", "geweigerd", "ingetrokken", "buiten_behandeling"]),
        new("datum_aanvraag", ColumnKind.Analysis, CellType.Date, Required: true),
        new("datum_besluit", ColumnKind.Analysis, CellType.Date),
        new("aanvrager_bsn", ColumnKind.Id, CellType.Bsn),
        new("aanvrager_kvk", ColumnKind.Id, CellType.Kvk),
        new("aanvrager_rsin", ColumnKind.Id, CellType.Rsin),
        .. Location(withIds: false),
    ], KeyColumn: "zaak_id", NeedsLocation: true, OneOfRequired: [["aanvrager_bsn", "aanvrager_kvk", "aanvrager_rsin"]]);

    public static readonly SourceSchema Enforcement = new("enforcement",
    [
        new("zaak_id", ColumnKind.Id, CellType.Zaak, Required: true),
        new("handhavingstype", ColumnKind.Analysis, CellType.Enum, Required: true, Values:
        [
            "controle", "waarschuwing", "last_onder_dwangsom", "last_onder_bestuursdwang", "bestuurlijke_boete",
            "sluiting_13b_opiumwet", "sluiting_174a_gemeentewet",
        ]),
        new("status", ColumnKind.Analysis, CellType.Enum, Required: true, Values: ["open", "afgerond", "ingetrokken"]),
        new("datum_start", ColumnKind.Analysis, CellType.Date, Required: true),
        new("datum_einde", ColumnKind.Analysis, CellType.Date),
        new("betrokkene_bsn", ColumnKind.Id, CellType.Bsn),
        new("betrokkene_kvk", ColumnKind.Id, CellType.Kvk),
        new("betrokkene_rsin", ColumnKind.Id, CellType.Rsin),
        .. Location(withIds: false),
    ], KeyColumn: "zaak_id", NeedsLocation: true, OneOfRequired: []);
}
