using System.Text;
using System.Text.Json;
using SignalPipeline.Functions.Azure;

namespace SignalPipeline.Functions.Pipeline;

public sealed class IntakeRejectedException(string message) : Exception(message);

/// <summary>Takes phase1-intake messages into the candidate register. A message that cannot be read throws, so the
/// Functions host retries it and finally moves it to <c>phase1-intake-poison</c>; the CLI does the same by hand.</summary>
public sealed class IntakeService(StorageClients storage, SignalRegister register)
{
    public const int MaxDequeueCount = 5;

    public async Task<string> ProcessAsync(string body, CancellationToken ct = default)
    {
        var m = Validate(body);
        return $"{m.SignalId}: {await register.TakeInAsync(m, ct)}";
    }

    static IntakeMessage Validate(string body)
    {
        IntakeMessage? m;
        try { m = JsonSerializer.Deserialize<IntakeMessage>(Decode(body), Json.Options); }
        catch (JsonException e) { throw new IntakeRejectedException($"the intake message is not valid JSON for {IntakeMessage.SchemaId} (line {e.LineNumber}, {e.Path})"); }
        if (m is null) throw new IntakeRejectedException("the intake message is empty");
        var problems = m.Problems().ToList();
        if (problems.Count > 0) throw new IntakeRejectedException("the intake message is incomplete: " + string.Join("; ", problems));
        return m;
    }

    /// <summary>Queue messages arrive as plain JSON or base64 (the Functions default encoding); both are accepted.</summary>
    public static string Decode(string body)
    {
        var t = body.Trim();
        if (t.StartsWith('{') || t.StartsWith('"')) return t;
        try { return Encoding.UTF8.GetString(Convert.FromBase64String(t)); }
        catch (FormatException) { return t; }
    }

    public sealed record IntakeError(string MessageId, DateTimeOffset? InsertedOn, string? SignalId, string Problem);

    /// <summary>Messages that failed intake (the poison queue), for the review UI. Read, not removed.</summary>
    public async Task<IReadOnlyList<IntakeError>> ErrorsAsync(CancellationToken ct = default)
    {
        var poison = storage.Queue(StorageClients.IntakePoisonQueue);
        if (!await poison.ExistsAsync(ct)) return [];
        var errors = new List<IntakeError>();
        foreach (var m in (await poison.PeekMessagesAsync(32, ct)).Value)
        {
            string? id = null, problem;
            try
            {
                Validate(m.Body.ToString());
                problem = "bericht was leesbaar maar kon niet worden verwerkt";
            }
            catch (IntakeRejectedException e) { problem = e.Message; }
            try { id = JsonDocument.Parse(Decode(m.Body.ToString())).RootElement.GetProperty("signal_id").GetString(); }
            catch (Exception x) when (x is JsonException or KeyNotFoundException or InvalidOperationException) { }
            errors.Add(new IntakeError(m.MessageId, m.InsertedOn, id, problem));
        }
        return errors;
    }

    /// <summary>Drains the intake queue as the host would (CLI and demo): failures are retried up to
    /// <see cref="MaxDequeueCount"/> times, then moved to the poison queue.</summary>
    public async Task<(int Processed, int Poisoned)> DrainAsync(TextWriter log, CancellationToken ct = default)
    {
        var queue = storage.Queue(StorageClients.IntakeQueue);
        var poison = storage.Queue(StorageClients.IntakePoisonQueue);
        int processed = 0, poisoned = 0;
        while (true)
        {
            var batch = (await queue.ReceiveMessagesAsync(32, TimeSpan.FromSeconds(30), ct)).Value;
            if (batch.Length == 0) break;
            foreach (var msg in batch)
            {
                try
                {
                    await ProcessAsync(msg.MessageText, ct);
                    await queue.DeleteMessageAsync(msg.MessageId, msg.PopReceipt, ct);
                    processed++;
                }
                catch (IntakeRejectedException e)
                {
                    if (msg.DequeueCount >= MaxDequeueCount)
                    {
                        await poison.SendMessageAsync(msg.MessageText, ct);
                        await queue.DeleteMessageAsync(msg.MessageId, msg.PopReceipt, ct);
                        poisoned++;
                        log.WriteLine($"intake: message {msg.MessageId} moved to {StorageClients.IntakePoisonQueue}: {e.Message}");
                    }
                    else await queue.UpdateMessageAsync(msg.MessageId, msg.PopReceipt, visibilityTimeout: TimeSpan.Zero, cancellationToken: ct);
                }
            }
        }
        return (processed, poisoned);
    }
}
