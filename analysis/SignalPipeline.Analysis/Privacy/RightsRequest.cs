namespace SignalPipeline.Analysis.Privacy;

/// <summary>The kinds of request of protocol art. 14 and AVG art. 15–21.</summary>
public static class RightsRequestTypes
{
    public static readonly IReadOnlyList<(string Code, string Text)> All =
    [
        ("inzage", "inzage (art. 15 AVG)"), ("rectificatie", "rectificatie (art. 16 AVG)"), ("wissing", "wissing (art. 17 AVG)"),
        ("beperking", "beperking van de verwerking (art. 18 AVG)"), ("bezwaar", "bezwaar (art. 21 AVG)"),
    ];

    public static string? Text(string code) => All.FirstOrDefault(t => t.Code == code).Text;
}

/// <summary>One request of a data subject in the request register: the person only by their audit pseudonym, the
/// date received, the deadline (one month, protocol art. 14 lid 4; extendable once by two months with a reason, art.
/// 12 lid 3 AVG), its status and the response.</summary>
public sealed record RightsRequest(string Id, string Type, string Subject, DateOnly Received, string Reason, string Actor)
{
    public const string Open = "open", Granted = "afgehandeld", Refused = "afgewezen";

    public string Status { get; init; } = Open;
    public string? ExtensionReason { get; init; }
    public string? Response { get; init; }
    public DateOnly? ClosedOn { get; init; }

    public DateOnly Deadline => Received.AddMonths(ExtensionReason is null ? 1 : 3);
    public bool Overdue(DateOnly today) => Status == Open && today > Deadline;

    /// <summary>The one extension by two months, with its reason; null when it was extended before or is closed.</summary>
    public RightsRequest? Extend(string reason) => Status != Open || ExtensionReason is not null ? null : this with { ExtensionReason = reason };

    public RightsRequest? Close(string status, string response, DateOnly on) =>
        Status != Open || status is not (Granted or Refused) ? null : this with { Status = status, Response = response, ClosedOn = on };
}
