using SignalPipeline.Analysis.Extracts;
using SignalPipeline.Analysis.Privacy;


namespace SignalPipeline.Analysis.Snapshots;

/// <summary>Validates and normalises one cell by its contract type. Reasons never contain an identifying value;
/// only values of enumerated analysis columns are echoed, since they identify nobody and help the operator.</summary>
public static class ColumnValues
{
    static readonly string[] TrueValues = ["true", "1", "ja", "j", "yes", "y"];
    static readonly string[] FalseValues = ["false", "0", "nee", "n", "no"];

    public static bool TryNormalise(ColumnSpec spec, string value, out string normalised, out string? reason)
    {
        normalised = "";
        reason = null;
        switch (spec.Type)
        {
            case CellType.Bsn: return Named(Identifiers.TryBsn(value, out normalised, out reason), spec, ref reason);
            case CellType.Kvk: return Named(Identifiers.TryKvk(value, out normalised, out reason), spec, ref reason);
            case CellType.Rsin: return Named(Identifiers.TryRsin(value, out normalised, out reason), spec, ref reason);
            case CellType.VerblijfsobjectId: return Named(Identifiers.TryBagId(value, BagObjectType.Verblijfsobject, out normalised, out reason), spec, ref reason);
            case CellType.PandId: return Named(Identifiers.TryBagId(value, BagObjectType.Pand, out normalised, out reason), spec, ref reason);
            case CellType.NummeraanduidingId: return Named(Identifiers.TryBagId(value, BagObjectType.Nummeraanduiding, out normalised, out reason), spec, ref reason);
            case CellType.Zaak:
                normalised = value;
                if (value.Length > 100) { reason = $"{spec.Name} is longer than 100 characters"; return false; }
                return true;
            case CellType.Date: return Named(Dates.TryNormalise(value, out normalised, out reason), spec, ref reason);
            case CellType.Gemeentecode:
                if (value.Length > 4 || !Identifiers.AllDigits(value)) { reason = $"{spec.Name} must be a gemeentecode of up to 4 digits"; return false; }
                normalised = value.PadLeft(4, '0');
                return true;
            case CellType.Boolean:
                var v = value.ToLowerInvariant();
                if (TrueValues.Contains(v)) { normalised = "true"; return true; }
                if (FalseValues.Contains(v)) { normalised = "false"; return true; }
                reason = $"{spec.Name} must be true/false/1/0/ja/nee/j/n";
                return false;
            case CellType.Integer:
                if (!int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) || n < spec.Min || n > spec.Max)
                { reason = $"{spec.Name} must be an integer {spec.Min}-{spec.Max}"; return false; }
                normalised = n.ToString(System.Globalization.CultureInfo.InvariantCulture);
                return true;
            case CellType.Enum:
                var match = Permitted(spec, value);
                if (match is null) { reason = $"{spec.Name} value '{Clip(value)}' is not one of the permitted values"; return false; }
                normalised = match;
                return true;
            case CellType.EnumList:
                if (value.AsSpan().IndexOfAny(',', '|') < 0 && Permitted(spec, value) is { } single) { normalised = single; return true; }
                var parts = value.Split([',', '|'], StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
                var list = new SortedSet<string>(StringComparer.Ordinal);
                foreach (var p in parts)
                {
                    var m = Permitted(spec, p);
                    if (m is null) { reason = $"{spec.Name} value '{Clip(p)}' is not one of the permitted values"; return false; }
                    list.Add(m);
                }
                if (list.Count == 0) { reason = $"{spec.Name} is required but empty"; return false; }
                normalised = string.Join('|', list);
                return true;
            default:
                normalised = value;
                return true;
        }
    }

    public static IdKind KindOf(CellType t) => t switch
    {
        CellType.Bsn => IdKind.Bsn,
        CellType.Kvk => IdKind.Kvk,
        CellType.Rsin => IdKind.Rsin,
        CellType.VerblijfsobjectId => IdKind.Verblijfsobject,
        CellType.PandId => IdKind.Pand,
        CellType.NummeraanduidingId => IdKind.Nummeraanduiding,
        CellType.Zaak => IdKind.Zaak,
        _ => throw new ArgumentOutOfRangeException(nameof(t), t, "not an identifier type"),
    };

    static bool Named(bool ok, ColumnSpec spec, ref string? reason)
    {
        if (!ok) reason = $"{spec.Name}: {reason}";
        return ok;
    }

    /// <summary>The permitted value as the contract spells it, matched case-insensitively, or null.</summary>
    static string? Permitted(ColumnSpec spec, string value)
    {
        var values = spec.Values!;
        for (var i = 0; i < values.Count; i++) if (string.Equals(values[i], value, StringComparison.OrdinalIgnoreCase)) return values[i];
        return null;
    }

    static string Clip(string s) => s.Length <= 40 ? s : s[..40] + "…";
}
