namespace SignalPipeline.Analysis.Snapshots;

/// <summary>Everything a DPIA reviewer needs to know about one ingested file. Never holds a plain identifier.</summary>
public sealed record SnapshotManifest
{
    public required string SnapshotId { get; init; }
    public required string Source { get; init; }
    public required string Date { get; init; }
    public required string FileName { get; init; }
    public required string Sha256 { get; init; }
    public long Bytes { get; init; }
    public required string Status { get; init; } // accepted | rejected
    public string? RejectionReason { get; init; }
    public string Encoding { get; init; } = "utf-8";
    public string Separator { get; init; } = ";";
    public long RowsRead { get; init; }
    public long RowsAccepted { get; init; }
    public long RowsRejected { get; init; }
    public long RowsDuplicate { get; init; }
    /// <summary>The header as delivered (normalised names), before minimisation.</summary>
    public IReadOnlyList<string> ColumnsDelivered { get; init; } = [];
    public IReadOnlyList<string> ColumnsKept { get; init; } = [];
    public IReadOnlyList<DiscardedColumn> ColumnsDiscarded { get; init; } = [];
    public IReadOnlyList<string> ColumnsPseudonymised { get; init; } = [];
    public IReadOnlyList<string> ColumnsEnveloped { get; init; } = [];
    public string PseudonymKeyVersion { get; init; } = "";
    public string EnvelopeKeyVersion { get; init; } = "";
    /// <summary>Fingerprints of the keys (a hash of a derived value, never the key): a run never compares snapshots made
    /// under different keys.</summary>
    public string? PseudonymKeyFingerprint { get; init; }
    public string? EnvelopeKeyFingerprint { get; init; }
    public int SchemaVersion { get; init; } = Extracts.SourceSchema.Version;
    public string RegisterSha256 { get; init; } = "";
    public string? Replaces { get; init; }
    public DateTimeOffset IngestedAt { get; init; }
    /// <summary>Rows removed later on a data subject's request (art. 14), and when last.</summary>
    public long RowsErased { get; init; }
    public DateTimeOffset? ErasedAt { get; init; }
    /// <summary>Residents (functie_adres W) per PC4, for the area report; counts only, no persons.</summary>
    public IReadOnlyDictionary<string, int>? ResidentsPerPc4 { get; init; }
    /// <summary>The delivery's format id (docs/contracts/sources.md): csv-v1, gba-v-csv, lvbag-2.0, brp-personen-v2, zgw-zaken-1.5.</summary>
    public string Format { get; init; } = "csv-v1";
    /// <summary>Every file of the delivery (paths inside zips included) with its SHA-256; for one file, that file.</summary>
    public IReadOnlyList<DeliveredFile> Files { get; init; } = [];
    /// <summary>The date the data describes: LV BAG's StandTechnischeDatum, otherwise the delivery (folder) date.</summary>
    public string? Peildatum { get; init; }
    /// <summary>Rows the format reader skipped, by reason (not rejections: they do not count against the 5% rule).</summary>
    public IReadOnlyDictionary<string, long>? RowsSkipped { get; init; }

    /// <summary>The latest minimisation (docs/privacy.md, minimal snapshots): null while the snapshot is as ingested.</summary>
    public SnapshotMinimisation? Minimised { get; init; }

    /// <summary>Only rows behind signals are left: the snapshot can no longer reproduce a run (replay refuses).</summary>
    [System.Text.Json.Serialization.JsonIgnore] public bool OnlyRowsBehindSignals => Minimised?.To == MinimiseTo.RowsBehindSignals;

    /// <summary><see cref="Peildatum"/>, or the delivery date for snapshots made before it was recorded.</summary>
    [System.Text.Json.Serialization.JsonIgnore] public string PeildatumOrDate => Peildatum ?? Date;
}

/// <summary>One minimisation of one snapshot: when, by what (a run id, or <c>retention</c>), to which level, and what it
/// kept and dropped; sizes of <c>data.parquet</c> before and after. Counts only.</summary>
public sealed record SnapshotMinimisation(
    string SnapshotId, string Source, DateTimeOffset At, string By, MinimiseTo To,
    long RowsKept, long RowsRemoved, long EnvelopesKept, long EnvelopesDropped, long BytesBefore, long BytesAfter);

public sealed record DeliveredFile(string Name, string Sha256);

public sealed record DiscardedColumn(string Name, string Reason);

/// <summary>One rejected row or file problem. Names the file, line and column, never the value.</summary>
/// <param name="Locator">For real formats: where the row is in the delivery (file inside zips, persoonslijst line, JSON body
/// and index, BAG part and object position with the object's pseudonym, ZGW list body and result index); never a value.</param>
public sealed record QuarantineEntry(string File, long Line, string? Column, string Reason, string? Locator = null);

/// <summary>One snapshot as a run used it (and as a signal's lineage names it).</summary>
public sealed record SnapshotUse(string Source, string SnapshotId, string Date, string FileName, string Sha256, long Rows);
