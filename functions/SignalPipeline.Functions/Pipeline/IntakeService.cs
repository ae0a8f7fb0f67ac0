using System.Text;
using System.Text.Json;
using SignalPipeline.Analysis.Signals;
using SignalPipeline.Functions.Storage;
using SignalPipeline.Functions.Configuration;

namespace SignalPipeline.Functions.Pipeline;

public sealed class IntakeRejectedException(string message) : Exception(message);

/// <summary>Takes phase1-intake messages into the candidate register. A message that cannot be read throws, so the
/// Functions host retries it and finally moves it to <c>phase1-intake-poison</c>; the CLI does the same by hand.</summary>
public sealed class IntakeService(StorageClients storage, CandidateRegister register, RunStore? runs = null)
{
    string? latestCompleted;
    /// <summary>Fault drills (<see cref="FaultPoints"/>).</summary>
    public FaultPoints Faults { get; init; } = FaultPoints.None;

    public const int MaxDequeueCount = 5;

    /// <summary>Takes one message in. Re-delivery changes nothing; a message older than what the register holds for
    /// that signal (a stale message, or one from a back-filled or superseded run) is ignored, and the answer says so.</summary>
    public async Task<string> ProcessAsync(string body, CancellationToken ct = default)
    {
        var m = Validate(body);
        // A signal the register has never seen, from a run older than the latest completed one: that run's moment has
        // passed (the later run would have raised it if it still held), so the message is stale as a whole.
        if (runs is not null && string.CompareOrdinal(m.RunId, latestCompleted ??= await LatestCompletedAsync(ct)) < 0
            && await register.GetAsync(m.SignalId!, ct) is null)
            return $"{m.SignalId}: ignored, stale (run {m.RunId} is older than the latest completed run {latestCompleted})";
        var change = await register.RaiseAsync(m.ToObservation(), ct);
        return change switch
        {
            Change.Created => $"{m.SignalId}: created",
            Change.Returned => $"{m.SignalId}: returned (raised again after it was resolved or dismissed)",
            Change.Stale => $"{m.SignalId}: ignored, stale (the register already holds a later run than {m.RunId})",
            Change.Unchanged => $"{m.SignalId}: already registered",
            _ => $"{m.SignalId}: {change.ToString().ToLowerInvariant()}",
        };
    }

    async Task<string> LatestCompletedAsync(CancellationToken ct) =>
        (await runs!.ListAsync(ct)).LastOrDefault(r => r.Status == Analysis.Runs.RunStatus.Completed && !r.Backfill)?.RunId ?? "";

    static IntakeMessage Validate(string body)
    {
        IntakeMessage? m;
        try { m = JsonSerializer.Deserialize<IntakeMessage>(Decode(body), Json.Options); }
        catch (JsonException e) { throw new IntakeRejectedException($"the intake message is not valid JSON for {IntakeMessage.SchemaId} (line {e.LineNumber}, {e.Path})"); }
        catch (Exception e) when (e is NotSupportedException or InvalidOperationException or ArgumentException)
        { throw new IntakeRejectedException($"the intake message does not have the shape of {IntakeMessage.SchemaId} ({e.GetType().Name})"); }
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

    /// <summary>One line, no stack trace, no message content (it may hold pseudonyms, never plain data, but still).</summary>
    static string Describe(Exception e) => e is IntakeRejectedException ? e.Message : $"{e.GetType().Name} while taking it in";

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

    /// <summary>Drains the intake queue as the host would (CLI, demo and the nightly's own completion): a message that
    /// fails is retried up to <see cref="MaxDequeueCount"/> times, then moved to the poison queue and reported; it never
    /// blocks the others. Only an unreachable storage account stops the drain (nothing is lost: the messages stay).</summary>
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
                    var result = await ProcessAsync(msg.MessageText, ct);
                    if (result.Contains(": ignored", StringComparison.Ordinal)) log.WriteLine($"intake: {result}");
                    Faults.Reach("intake-taken");
                    await queue.DeleteMessageAsync(msg.MessageId, msg.PopReceipt, ct);
                    processed++;
                }
                catch (Exception e) when (e is not (OperationCanceledException or InjectedFaultException) && !StorageFault.IsUnreachable(e))
                {
                    if (msg.DequeueCount >= MaxDequeueCount)
                    {
                        await poison.SendMessageAsync(msg.MessageText, ct);
                        await queue.DeleteMessageAsync(msg.MessageId, msg.PopReceipt, ct);
                        poisoned++;
                        log.WriteLine($"intake: message {msg.MessageId} moved to {StorageClients.IntakePoisonQueue} after {msg.DequeueCount} tries: {Describe(e)}");
                    }
                    else await queue.UpdateMessageAsync(msg.MessageId, msg.PopReceipt, visibilityTimeout: TimeSpan.Zero, cancellationToken: ct);
                }
            }
        }
        return (processed, poisoned);
    }
}
