namespace SignalPipeline.Analysis.Extracts;

/// <summary>Checks and normalises the identifiers of the extract contract (docs/contracts/extracts.md, "Identifiers").
/// Every method returns a reason in Dutch-free English for the quarantine report; none echoes the value.</summary>
public static class Identifiers
{
    /// <summary>BSN: 9 digits (8 are left-padded with one 0), 11-proef, not all zeros.</summary>
    public static bool TryBsn(string raw, out string bsn, out string? reason)
    {
        bsn = "";
        var s = raw.Trim();
        if (s.Length == 8) s = "0" + s;
        if (s.Length != 9 || !AllDigits(s)) { reason = "BSN must have 9 digits"; return false; }
        if (s == "000000000") { reason = "BSN may not be all zeros"; return false; }
        var sum = 0;
        for (var i = 0; i < 8; i++) sum += (9 - i) * (s[i] - '0');
        sum -= s[8] - '0';
        if (sum % 11 != 0) { reason = "BSN fails the 11-proef"; return false; }
        bsn = s; reason = null; return true;
    }

    /// <summary>RSIN (a legal entity's number, ZGW <c>innNnpId</c>): 9 digits and the same 11-proef as a BSN.</summary>
    public static bool TryRsin(string raw, out string rsin, out string? reason)
    {
        if (TryBsn(raw, out rsin, out reason)) return true;
        reason = reason?.Replace("BSN", "RSIN");
        return false;
    }

    public static bool TryKvk(string raw, out string kvk, out string? reason)
    {
        kvk = raw.Trim();
        if (kvk.Length != 8 || !AllDigits(kvk)) { reason = "KvK-nummer must have 8 digits"; kvk = ""; return false; }
        reason = null; return true;
    }

    /// <summary>BAG id: 16 digits, gemeentecode(4) + object type(2) + serial(10); the type must match the column.</summary>
    public static bool TryBagId(string raw, BagObjectType expected, out string id, out string? reason)
    {
        id = raw.Trim();
        if (id.Length != 16 || !AllDigits(id)) { reason = "BAG id must have 16 digits"; id = ""; return false; }
        var type = id.AsSpan(4, 2);
        // An adresseerbaar object: a verblijfsobject (01), a ligplaats (02) or a standplaats (03), in every source.
        if (!type.SequenceEqual(expected.TypeCode()) && !(expected == BagObjectType.Verblijfsobject && type is "02" or "03"))
        {
            reason = $"BAG id has object type {type}, expected {expected.TypeCode()} ({expected.ToString().ToLowerInvariant()})";
            id = ""; return false;
        }
        reason = null; return true;
    }

    /// <summary>Postcode: 4 digits (first not 0) + 2 letters, spaces and case free; SA, SD and SS do not exist.</summary>
    public static bool TryPostcode(string raw, out string postcode, out string? reason)
    {
        Span<char> buf = stackalloc char[6];
        var n = 0;
        foreach (var c in raw)
        {
            if (c == ' ') continue;
            if (n == 6) { n = 7; break; }
            buf[n++] = char.ToUpperInvariant(c);
        }
        postcode = "";
        if (n != 6 || buf[0] < '1' || buf[0] > '9' || !AllDigits(buf[..4]) || !IsAsciiUpper(buf[4]) || !IsAsciiUpper(buf[5]))
        { reason = "postcode must be 4 digits (first not 0) and 2 letters"; return false; }
        var letters = new string(buf[4..]);
        if (letters is "SA" or "SD" or "SS") { reason = "postcode letter pair SA, SD and SS do not exist"; return false; }
        postcode = new string(buf); reason = null; return true;
    }

    internal static bool AllDigits(ReadOnlySpan<char> s)
    {
        foreach (var c in s) if (c < '0' || c > '9') return false;
        return s.Length > 0;
    }

    static bool IsAsciiUpper(char c) => c >= 'A' && c <= 'Z';

    /// <summary>A made-up BSN that passes the 11-proef (sample extracts, tests), never the same twice per
    /// <paramref name="used"/>. Deterministic for a seeded <paramref name="rnd"/>.</summary>
    public static string SampleBsn(Random rnd, HashSet<string>? used = null)
    {
        while (true)
        {
            var d = new int[9];
            d[0] = rnd.Next(1, 10);
            for (var i = 1; i < 8; i++) d[i] = rnd.Next(10);
            var sum = 0;
            for (var i = 0; i < 8; i++) sum += (9 - i) * d[i];
            if (sum % 11 == 10) continue;
            d[8] = sum % 11;
            var bsn = string.Concat(d);
            if (used is null || used.Add(bsn)) return bsn;
        }
    }
}

public enum BagObjectType { Verblijfsobject, Pand, Nummeraanduiding }

public static class BagObjectTypeExtensions
{
    public static string TypeCode(this BagObjectType t) => t switch
    {
        BagObjectType.Verblijfsobject => "01",
        BagObjectType.Pand => "10",
        _ => "20",
    };
}
