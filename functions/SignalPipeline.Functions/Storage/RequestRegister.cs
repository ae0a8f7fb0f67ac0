using Azure;
using Azure.Data.Tables;
using SignalPipeline.Analysis.Privacy;
using SignalPipeline.Functions.Configuration;

namespace SignalPipeline.Functions.Storage;

/// <summary>The register of data-subject requests (table <c>requests</c>): one entity per request, the person only by
/// their audit pseudonym, written with optimistic concurrency so two coordinators cannot both close one request.</summary>
public sealed class RequestRegister(StorageClients storage)
{
    const string Partition = "request";
    TableClient Table => storage.Table(StorageClients.RequestsTable);

    /// <summary>A new id per received date: V{yyyyMMdd}-{n:D3}.</summary>
    public async Task<RightsRequest> AddAsync(Func<string, RightsRequest> make, CancellationToken ct = default)
    {
        for (var attempt = 0; ; attempt++)
        {
            var all = await ListAsync(ct);
            var probe = make("");
            var prefix = $"V{probe.Received:yyyyMMdd}-";
            var request = make($"{prefix}{all.Count(r => r.Id.StartsWith(prefix, StringComparison.Ordinal)) + 1:D3}");
            try { await Table.AddEntityAsync(new TableEntity(Partition, request.Id) { ["Request"] = Json.Serialize(request) }, ct); return request; }
            catch (RequestFailedException e) when (e.Status == 409 && attempt < 10) { } // the same id taken meanwhile
        }
    }

    public async Task<IReadOnlyList<RightsRequest>> ListAsync(CancellationToken ct = default)
    {
        var list = new List<RightsRequest>();
        await foreach (var e in Table.QueryAsync<TableEntity>(e => e.PartitionKey == Partition, cancellationToken: ct))
            list.Add(Json.Deserialize<RightsRequest>(e.GetString("Request")));
        return list.OrderBy(r => r.Id, StringComparer.Ordinal).ToList();
    }

    /// <summary>Applies a change (extend, close) to one request; null when the request does not exist or the change does not apply.</summary>
    public async Task<RightsRequest?> UpdateAsync(string id, Func<RightsRequest, RightsRequest?> change, CancellationToken ct = default)
    {
        var existing = await Table.GetEntityIfExistsAsync<TableEntity>(Partition, id, cancellationToken: ct);
        if (!existing.HasValue || change(Json.Deserialize<RightsRequest>(existing.Value!.GetString("Request"))) is not { } next) return null;
        try { await Table.UpdateEntityAsync(new TableEntity(Partition, id) { ["Request"] = Json.Serialize(next) }, existing.Value.ETag, TableUpdateMode.Replace, ct); }
        catch (RequestFailedException e) when (e.Status == 412) { return null; } // changed by someone else meanwhile
        return next;
    }
}
