namespace SignalPipeline.Analysis.Extracts;

/// <summary>A normalised Dutch address: the address key of docs/contracts/extracts.md is <c>postcode|huisnummer|huisletter|toevoeging</c>.</summary>
public readonly record struct Address(string Postcode, int Huisnummer, string Huisletter, string Toevoeging)
{
    public string Key => $"{Postcode}|{Huisnummer}|{Huisletter}|{Toevoeging}";

    /// <summary>Builds an address from the four contract columns as seen in the wild: the huisnummer cell may carry
    /// the letter and addition (<c>12a-2</c>, <c>12 A 2</c>, <c>12-A-2</c>), and the other cells may repeat separators.</summary>
    public static bool TryParse(string? postcode, string? huisnummer, string? huisletter, string? toevoeging,
        out Address address, out string? column, out string? reason)
    {
        address = default;
        column = "postcode";
        if (string.IsNullOrWhiteSpace(postcode)) { reason = "postcode is missing"; return false; }
        if (!Identifiers.TryPostcode(postcode, out var pc, out reason)) return false;

        column = "huisnummer";
        if (string.IsNullOrWhiteSpace(huisnummer)) { reason = "huisnummer is missing"; return false; }
        // Split the huisnummer cell into its number and the rest ("12a-2" → 12, "a-2").
        var hn = huisnummer.Trim();
        var digits = 0;
        while (digits < hn.Length && char.IsAsciiDigit(hn[digits])) digits++;
        if (digits == 0 || digits > 5 || !int.TryParse(hn.AsSpan(0, digits), out var number) || number < 1 || number > 99999)
        { reason = "huisnummer must be an integer 1-99999"; return false; }
        var rest = StripSeparators(hn[digits..]);

        string letter = "", addition;
        var letterCell = StripSeparators(huisletter ?? "");
        var additionCell = StripSeparators(toevoeging ?? "");
        if (rest.Length > 0)
        {
            // Whatever followed the number: a leading letter is the huisletter when the huisletter cell is empty.
            if (letterCell.Length == 0 && char.IsAsciiLetter(rest[0])) { letter = rest[..1]; rest = rest[1..]; }
            addition = rest + additionCell;
        }
        else addition = additionCell;
        if (letterCell.Length > 0) letter = letterCell;

        column = "huisletter";
        if (letter.Length > 1 || (letter.Length == 1 && !char.IsAsciiLetter(letter[0])))
        { reason = "huisletter must be one letter a-z"; return false; }
        column = "huisnummertoevoeging";
        if (addition.Length > 4) { reason = "huisnummertoevoeging may have at most 4 characters"; return false; }
        foreach (var c in addition)
            if (!char.IsAsciiLetterOrDigit(c)) { reason = "huisnummertoevoeging must be alphanumeric"; return false; }

        address = new Address(pc, number, letter.ToUpperInvariant(), addition.ToUpperInvariant());
        column = null; reason = null;
        return true;
    }

    static string StripSeparators(string s)
    {
        Span<char> buf = s.Length <= 64 ? stackalloc char[s.Length] : new char[s.Length];
        var n = 0;
        foreach (var c in s) if (c is not ('-' or ' ' or '/')) buf[n++] = c;
        return new string(buf[..n]);
    }
}
