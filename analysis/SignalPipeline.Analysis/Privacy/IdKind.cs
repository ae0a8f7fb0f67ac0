namespace SignalPipeline.Analysis.Privacy;

/// <summary>Identifier kinds; each has its own derived HMAC key, so equal digits of different kinds never collide.
/// <see cref="AuditSubject"/> names a person in the (immutable) audit log: a pseudonym of its own that no snapshot,
/// signal or run carries, so after an erasure nothing links the audit trail back to data about them, while the privacy
/// officer can still find a person's requests by computing it from their BSN.</summary>
public enum IdKind { Bsn, Kvk, Verblijfsobject, Nummeraanduiding, Pand, Adres, Zaak, AuditSubject, Rsin }

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
        IdKind.AuditSubject => "S",
        IdKind.Rsin => "R",
        _ => "Z",
    };
}
