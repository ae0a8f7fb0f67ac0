using SignalPipeline.Analysis.Privacy;

namespace SignalPipeline.Tests.Privacy;

public sealed class RightsRequestTests
{
    static readonly RightsRequest Request = new("V20260131-001", "inzage", "S1", new DateOnly(2026, 1, 31), "Brief 2026-12", "coord");

    [Fact]
    public void The_deadline_is_one_month_and_one_extension_adds_two()
    {
        Assert.Equal(new DateOnly(2026, 2, 28), Request.Deadline); // a month after 31 January
        Assert.False(Request.Overdue(new DateOnly(2026, 2, 28)));
        Assert.True(Request.Overdue(new DateOnly(2026, 3, 1)));
        var extended = Request.Extend("Omvangrijk verzoek, vele signalen")!;
        Assert.Equal(new DateOnly(2026, 4, 30), extended.Deadline);
        Assert.Null(extended.Extend("Nog een keer verlengen")); // once only
    }

    [Fact]
    public void A_closed_request_is_not_overdue_and_stays_closed()
    {
        var closed = Request.Close(RightsRequest.Granted, "Overzicht verstuurd", new DateOnly(2026, 2, 10))!;
        Assert.False(closed.Overdue(new DateOnly(2026, 6, 1)));
        Assert.Null(closed.Close(RightsRequest.Refused, "Toch niet", new DateOnly(2026, 2, 11)));
        Assert.Null(closed.Extend("Te laat"));
        Assert.Null(Request.Close("misschien", "?", new DateOnly(2026, 2, 1)));
    }
}
