namespace SignalPipeline.Analysis.Privacy;

/// <summary>Identifier kinds; each has its own derived HMAC key, so equal digits of different kinds never collide.</summary>
public enum IdKind { Bsn, Kvk, Verblijfsobject, Nummeraanduiding, Pand, Adres, Zaak }

public static class IdKindExtensions
{
    /// <summary>Short prefix shown in front of a pseudonym so a reader sees what kind of thing it stands for.</summary>
    public static string Prefix(this IdKind kind) => kind switch
    {
        IdKind.Bsn => "P",
        IdKind.Kvk => "K",
        IdKind.Verblijfsobject => "V",
        IdKind.Nummeraanduiding => "N",
        IdKind.Pand => "G",
        IdKind.Adres => "A",
        _ => "Z",
    };
}
