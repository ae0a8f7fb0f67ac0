namespace SignalPipeline.Analysis.Snapshots;

/// <summary>One string per code for the short codes every row derives (gemeentecode and object type of a BAG id, PC4 of
/// a postcode): a delivery of a million rows has a few hundred of them, so rows share them instead of each making its
/// own. Thread-safe: two threads may both make a code once; either string is equal.</summary>
static class SharedCodes
{
    static readonly string?[] fourDigits = new string?[10_000];

    /// <summary>Four ASCII digits as a shared string (any other text as a new one).</summary>
    public static string FourDigits(ReadOnlySpan<char> code)
    {
        if (code.Length != 4 || !Extracts.Identifiers.AllDigits(code)) return new string(code);
        var n = (code[0] - '0') * 1000 + (code[1] - '0') * 100 + (code[2] - '0') * 10 + (code[3] - '0');
        return fourDigits[n] ??= new string(code);
    }

    /// <summary>The object type of a BAG id (01, 02, 03 are the adresseerbare objecten).</summary>
    public static string BagType(ReadOnlySpan<char> code) => code switch
    {
        "01" => "01",
        "02" => "02",
        "03" => "03",
        _ => new string(code),
    };
}
