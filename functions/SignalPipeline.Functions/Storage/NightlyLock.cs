using System.Diagnostics;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;

namespace SignalPipeline.Functions.Storage;

/// <summary>Refused because another nightly holds the lock past the wait.</summary>
public sealed class NightlyBusyException(string message) : Exception(message);

/// <summary>One nightly at a time, across processes and instances: a blob lease on <c>runs/locks/nightly</c>, renewed
/// while the run works. A second nightly waits for it (up to <c>Nightly:LockWaitSeconds</c>), never interleaves. A
/// holder that was killed loses the lease when it expires; on the same machine a dead holder's lease is broken at once,
/// so running the same nightly again right after a crash does not wait.</summary>
public sealed class NightlyLock : IAsyncDisposable
{
    static readonly TimeSpan LeaseTime = TimeSpan.FromSeconds(30);
    readonly BlobLeaseClient lease;
    readonly CancellationTokenSource renewing = new();
    readonly Task renewal;

    NightlyLock(BlobLeaseClient lease)
    {
        this.lease = lease;
        renewal = Task.Run(async () =>
        {
            while (!renewing.IsCancellationRequested)
            {
                try { await Task.Delay(LeaseTime / 3, renewing.Token); await lease.RenewAsync(cancellationToken: renewing.Token); }
                catch (OperationCanceledException) { return; }
                catch (Exception) { /* the next renewal tries again; a lost lease shows as a conflict on release */ }
            }
        });
    }

    public static async Task<NightlyLock> AcquireAsync(StorageClients storage, TimeSpan wait, TextWriter log, CancellationToken ct = default)
    {
        var blob = storage.Container(StorageClients.Runs).GetBlobClient("locks/nightly");
        try { await blob.UploadAsync(BinaryData.FromString(""), overwrite: false, ct); }
        catch (RequestFailedException e) when (e.Status is 409 or 412) { }
        var lease = blob.GetBlobLeaseClient();
        var deadline = DateTimeOffset.UtcNow + wait;
        var told = false;
        while (true)
        {
            try
            {
                await lease.AcquireAsync(LeaseTime, cancellationToken: ct);
                await blob.SetMetadataAsync(new Dictionary<string, string> { ["host"] = Environment.MachineName, ["pid"] = Environment.ProcessId.ToString() },
                    new BlobRequestConditions { LeaseId = lease.LeaseId }, ct);
                return new NightlyLock(lease);
            }
            catch (RequestFailedException e) when (e.Status == 409)
            {
                if (await HolderIsDeadAsync(blob, ct))
                {
                    await blob.GetBlobLeaseClient().BreakAsync(TimeSpan.Zero, cancellationToken: ct);
                    log.WriteLine("nightly: the previous holder of the nightly lock is no longer running; lock released");
                    continue;
                }
                if (DateTimeOffset.UtcNow > deadline)
                    throw new NightlyBusyException($"another nightly run holds the lock (waited {wait.TotalSeconds:F0} s); try again when it has finished");
                if (!told) { log.WriteLine("nightly: another nightly run is in progress; waiting for it to finish …"); told = true; }
                await Task.Delay(500, ct);
            }
        }
    }

    static async Task<bool> HolderIsDeadAsync(BlobClient blob, CancellationToken ct)
    {
        var meta = (await blob.GetPropertiesAsync(cancellationToken: ct)).Value.Metadata;
        if (!meta.TryGetValue("host", out var host) || host != Environment.MachineName || !meta.TryGetValue("pid", out var p) || !int.TryParse(p, out var pid)) return false;
        if (pid == Environment.ProcessId) return false;
        try { using var process = Process.GetProcessById(pid); return process.HasExited; }
        catch (ArgumentException) { return true; } // no such process
    }

    public async ValueTask DisposeAsync()
    {
        renewing.Cancel();
        await renewal;
        try { await lease.ReleaseAsync(); } catch (RequestFailedException) { }
        renewing.Dispose();
    }
}
