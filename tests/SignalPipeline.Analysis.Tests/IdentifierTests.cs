using SignalPipeline.Analysis.Extracts;

namespace SignalPipeline.Tests.Unit;

public class IdentifierTests
{
    [Theory]
    [InlineData("111222333", true)]
    [InlineData("123456782", true)]
    [InlineData("12345672", true)]      // 8 digits: left-padded to 012345672
    [InlineData("123456781", false)]    // fails the 11-proef
    [InlineData("000000000", false)]    // all zeros
    [InlineData("12345678a", false)]
    [InlineData("1234567890", false)]
    public void Bsn_11proef(string raw, bool valid)
    {
        Assert.Equal(valid, Identifiers.TryBsn(raw, out var bsn, out var reason));
        if (valid) Assert.Equal(9, bsn.Length); else Assert.DoesNotContain(raw, reason!);
    }

    [Theory]
    [InlineData("1234 ab", "1234AB")]
    [InlineData(" 1234AB ", "1234AB")]
    [InlineData("5661xz", "5661XZ")]
    public void Postcode_normalised(string raw, string expected)
    {
        Assert.True(Identifiers.TryPostcode(raw, out var pc, out _));
        Assert.Equal(expected, pc);
    }

    [Theory]
    [InlineData("0123AB")] [InlineData("1234SA")] [InlineData("1234sd")] [InlineData("1234SS")] [InlineData("123AB")] [InlineData("1234A1")]
    public void Postcode_invalid(string raw) => Assert.False(Identifiers.TryPostcode(raw, out _, out _));

    [Theory]
    [InlineData("1771010000000001", BagObjectType.Verblijfsobject, true)]
    [InlineData("1771100000000001", BagObjectType.Pand, true)]
    [InlineData("1771200000000001", BagObjectType.Nummeraanduiding, true)]
    [InlineData("1771100000000001", BagObjectType.Verblijfsobject, false)] // a pand id in a VBO column
    [InlineData("177101000000001", BagObjectType.Verblijfsobject, false)]
    public void BagId_type_code(string raw, BagObjectType type, bool valid) =>
        Assert.Equal(valid, Identifiers.TryBagId(raw, type, out _, out _));

    [Fact]
    public void Kvk_needs_8_digits()
    {
        Assert.True(Identifiers.TryKvk("12345678", out _, out _));
        Assert.False(Identifiers.TryKvk("1234567", out _, out _));
        Assert.False(Identifiers.TryKvk("1234567x", out _, out _));
    }
}

public class AddressTests
{
    [Theory]
    [InlineData("1234 ab", "12a-2", "", "")]
    [InlineData("1234AB", "12 A 2", "", "")]
    [InlineData("1234AB", "12", "A", "2")]
    [InlineData("1234AB", "12-A-2", "", "")]
    [InlineData("1234ab", "12", "a", "-2")]
    [InlineData("1234AB", "12a", "", "2")]
    public void Messy_forms_resolve_to_one_key(string pc, string hn, string letter, string add)
    {
        Assert.True(Address.TryParse(pc, hn, letter, add, out var a, out _, out var reason), reason);
        Assert.Equal("1234AB|12|A|2", a.Key);
    }

    [Fact]
    public void Huisnummer_with_addition_only_is_split()
    {
        Assert.True(Address.TryParse("1234AB", "12-2", null, null, out var a, out _, out _));
        Assert.Equal("1234AB|12||2", a.Key);
    }

    [Theory]
    [InlineData("1234AB", "0")] [InlineData("1234AB", "100000")] [InlineData("1234AB", "x12")] [InlineData("1234AB", "12-ABCDEF")]
    public void Invalid_huisnummer_or_addition(string pc, string hn) => Assert.False(Address.TryParse(pc, hn, null, null, out _, out _, out _));
}

public class DatesTests
{
    [Theory]
    [InlineData("2026-11-23", "2026-11-23")]
    [InlineData("20261123", "2026-11-23")]
    [InlineData("23-11-2026", "2026-11-23")]
    [InlineData("1970-00-00", "1970-00-00")]
    [InlineData("1970-05-00", "1970-05-00")]
    public void Accepted_forms(string raw, string expected)
    {
        Assert.True(Dates.TryNormalise(raw, out var d, out _));
        Assert.Equal(expected, d);
    }

    [Theory]
    [InlineData("2026-02-30")] [InlineData("2026/11/23")] [InlineData("1970-00-05")] [InlineData("2026-13-01")]
    public void Rejected_forms(string raw) => Assert.False(Dates.TryNormalise(raw, out _, out _));

    [Fact]
    public void Partial_date_has_no_exact_day() => Assert.Null(Dates.ToDateOnly("1970-00-00"));

    [Theory]
    [InlineData("2024-02-29"), InlineData("2023-02-29"), InlineData("1970-05-00"), InlineData("0000-01-01"), InlineData("2024-13-01"),
     InlineData("2024-1-011"), InlineData("2024/01/01"), InlineData("2024-01-3a"), InlineData("+024-01-01"), InlineData("9999-12-31"), InlineData(""), InlineData(null)]
    public void Dates_parse_by_hand_as_the_framework_parses_them(string? value)
    {
        DateOnly? framework = value is not null && DateOnly.TryParseExact(value, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.None, out var d) ? d : null;
        Assert.Equal(framework, Dates.ToDateOnly(value));
    }
}
