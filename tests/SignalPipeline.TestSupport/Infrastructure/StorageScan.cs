using System.Text;
using Azure.Data.Tables;
using SignalPipeline.Analysis.Snapshots;
using SignalPipeline.Functions.Storage;

namespace SignalPipeline.Tests.Infrastructure;

/// <summary>Reads back everything in storage as text: blobs (Parquet decoded column by column, envelopes excluded
/// since they are ciphertext), every table entity property and every queue message.</summary>
public static class StorageScan
{
    public static async Task<List<(string Where, string Text)>> AllTextAsync(StorageClients storage)
    {
        var found = new List<(string, string)>();
        await foreach (var c in storage.Blobs.GetBlobContainersAsync())
        {
            var container = storage.Container(c.Name);
            await foreach (var b in container.GetBlobsAsync())
            {
                var content = (await container.GetBlobClient(b.Name).DownloadContentAsync()).Value.Content;
                if (b.Name.EndsWith(".parquet"))
                {
                    var t = await SnapshotTable.ReadParquetAsync(content.ToStream());
                    found.Add(($"{c.Name}/{b.Name}", string.Join("\n", t.ColumnNames.SelectMany(n => t.Column(n)))));
                }
                else found.Add(($"{c.Name}/{b.Name}", Encoding.UTF8.GetString(content.ToArray())));
            }
        }
        await foreach (var t in storage.Tables.QueryAsync())
            await foreach (var e in storage.Table(t.Name).QueryAsync<TableEntity>())
                found.Add(($"table {t.Name}", string.Join("\n", e.Select(p => $"{p.Key}={p.Value}"))));
        await foreach (var q in storage.Queues.GetQueuesAsync())
            foreach (var m in (await storage.Queue(q.Name).PeekMessagesAsync(32)).Value)
                found.Add(($"queue {q.Name}", m.Body.ToString()));
        return found;
    }
}
