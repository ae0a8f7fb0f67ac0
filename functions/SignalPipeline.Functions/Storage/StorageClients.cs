using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;

namespace SignalPipeline.Functions.Storage;

/// <summary>The three storage clients, from a connection string (Azurite, tests) or an account name with managed
/// identity (Azure). Knows the names of every container, queue and table the pipeline uses.</summary>
public sealed class StorageClients
{
    public const string Extracts = "extracts", Snapshots = "snapshots", Quarantine = "quarantine", Audit = "audit", Runs = "runs", Lineage = "lineage", Dpia = "dpia";
    public const string ArrivalsQueue = "extract-arrivals", IntakeQueue = "phase1-intake", IntakePoisonQueue = "phase1-intake-poison";
    public const string SignalsTable = "signals", HistoryTable = "signalhistory", ObservationsTable = "signalobservations";
    public const string IngestsTable = "ingests", RunsTable = "runs", KeysTable = "keys", SuppressionTable = "suppression", RequestsTable = "requests";
    public const string DpiaVersionsTable = "dpiaversions", DpiaSuspensionsTable = "dpiasuspensions", DossiersTable = "dossiers";

    public BlobServiceClient Blobs { get; }
    public QueueServiceClient Queues { get; }
    public TableServiceClient Tables { get; }

    /// <summary>The audit log's account: in Azure a separate one under a locked immutability policy
    /// (<c>Storage:AuditAccountName</c>); otherwise the data account.</summary>
    public BlobServiceClient AuditBlobs { get; }

    public StorageClients(string? connectionString, string? accountName, string? auditAccountName = null)
    {
        // Transient faults are retried a few times with a short backoff (about 4 s in all); an account that stays
        // unreachable then ends the command with exit 3 instead of minutes of silent retries.
        var blobOptions = Retrying(new BlobClientOptions());
        var queueOptions = Retrying(new QueueClientOptions());
        var tableOptions = Retrying(new TableClientOptions());
        if (connectionString is not null)
        {
            Blobs = new BlobServiceClient(connectionString, blobOptions);
            Queues = new QueueServiceClient(connectionString, queueOptions);
            Tables = new TableServiceClient(connectionString, tableOptions);
        }
        else if (accountName is not null)
        {
            var credential = new DefaultAzureCredential();
            Blobs = new BlobServiceClient(new Uri($"https://{accountName}.blob.core.windows.net"), credential, blobOptions);
            Queues = new QueueServiceClient(new Uri($"https://{accountName}.queue.core.windows.net"), credential, queueOptions);
            Tables = new TableServiceClient(new Uri($"https://{accountName}.table.core.windows.net"), credential, tableOptions);
        }
        else throw new InvalidOperationException("No storage configured: set Storage:ConnectionString or Storage:AccountName.");
        AuditBlobs = auditAccountName is null ? Blobs
            : new BlobServiceClient(new Uri($"https://{auditAccountName}.blob.core.windows.net"), new DefaultAzureCredential(), blobOptions);
    }

    static T Retrying<T>(T options) where T : global::Azure.Core.ClientOptions
    {
        options.Retry.MaxRetries = 3;
        options.Retry.Mode = global::Azure.Core.RetryMode.Exponential;
        options.Retry.Delay = TimeSpan.FromSeconds(0.5);
        options.Retry.MaxDelay = TimeSpan.FromSeconds(4);
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(100);
        return options;
    }

    public BlobContainerClient Container(string name) => (name == Audit ? AuditBlobs : Blobs).GetBlobContainerClient(name);
    public QueueClient Queue(string name) => Queues.GetQueueClient(name);
    public TableClient Table(string name) => Tables.GetTableClient(name);

    /// <summary>Creates what is missing. In Azure the Bicep templates create these; locally this makes Azurite ready.</summary>
    public async Task EnsureCreatedAsync(CancellationToken ct = default)
    {
        foreach (var c in new[] { Extracts, Snapshots, Quarantine, Audit, Runs, Lineage, Dpia }) await Container(c).CreateIfNotExistsAsync(cancellationToken: ct);
        foreach (var q in new[] { ArrivalsQueue, IntakeQueue, IntakePoisonQueue }) await Queue(q).CreateIfNotExistsAsync(cancellationToken: ct);
        foreach (var t in new[] { SignalsTable, HistoryTable, ObservationsTable, IngestsTable, RunsTable, KeysTable, SuppressionTable, RequestsTable, DpiaVersionsTable, DpiaSuspensionsTable, DossiersTable }) await Table(t).CreateIfNotExistsAsync(ct);
    }
}
