namespace SignalPipeline.Analysis.Privacy;

/// <summary>Protocol art. 13: informing the data subject (art. 14 AVG) postponed on one of the grounds of lid 1, with
/// the written motivation, what it depends on, and the date by which it is looked at again (lid 2); and, later, that
/// and how the person was informed.</summary>
public sealed record InformationDuty(string Ground, string Motivation, string? DependsOn, DateOnly ReviewBy, DateTimeOffset PostponedAt, string PostponedBy)
{
    public DateOnly? InformedOn { get; init; }
    public string? InformedHow { get; init; }
    public string? InformedBy { get; init; }

    /// <summary>The review date has come and the person has not been informed: the coordinator's list says so.</summary>
    public bool ReviewDue(DateOnly today) => InformedOn is null && ReviewBy <= today;

    /// <summary>The grounds of protocol art. 13 lid 1, in its words.</summary>
    public static readonly IReadOnlyList<(string Code, string Text)> Grounds =
    [
        ("a", "de nationale veiligheid"),
        ("b", "de voorkoming, het onderzoek, de opsporing en vervolging van strafbare feiten of de tenuitvoerlegging van straffen, met inbegrip van de bescherming tegen en voorkoming van gevaren voor de openbare veiligheid"),
        ("c", "gewichtige economische en financiële belangen van de staat en andere openbare lichamen"),
        ("d", "het toezicht op de naleving van wettelijke voorschriften die zijn gesteld ten behoeve van de belangen onder b en c"),
        ("e", "de bescherming van de betrokkene of van de rechten en vrijheden van anderen"),
        ("f", "de openbare veiligheid"),
    ];

    public static string? GroundText(string code) => Grounds.FirstOrDefault(g => g.Code == code).Text;
}
