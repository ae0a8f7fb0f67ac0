using System.Text;
using System.Text.Json.Serialization;
using SignalPipeline.Analysis.Signals;
using SignalPipeline.Functions.Storage;
using SignalPipeline.Functions.Configuration;

namespace SignalPipeline.Functions.Pipeline;

/// <summary>One exported signal (docs/contracts/cli.md "Export record"). The reveal fields stay null unless revealed.</summary>
public sealed record ExportRecord(
    string SignalId, string Model, string ModelVersion, string State, string Theme, string? Object, IReadOnlyList<string> Subjects,
    IReadOnlyDictionary<string, string> Evidence, string RunId,
    string? VerblijfsobjectId = null, string? Address = null, string? SubjectBsn = null, string? SubjectKvk = null, string? SubjectRsin = null);

/// <summary>One record of <c>signals list</c> (docs/contracts/cli.md v2).</summary>
public sealed record SignalListRecord(
    string SignalId, string Model, string ModelVersion, [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Object, string Theme, string ReviewState, bool Raised,
    string FirstRun, string LastRun, string LastReferenceDate, int Observations, bool Returned);

public sealed class ExportService(RunStore runs, IdentityResolver identities, AuditLog audit, TimeProvider clock)
{
    public static readonly string[] CsvColumns =
        ["signal_id", "model", "model_version", "state", "theme", "object", "subjects", "evidence", "verblijfsobject_id", "address", "subject_bsn", "subject_kvk", "subject_rsin", "run_id"];

    public async Task<(string RunId, IReadOnlyList<ExportRecord> Records)> BuildAsync(string run, bool reveal, string? reason, string actor, CancellationToken ct = default)
    {
        if (reveal && !Analysis.Privacy.WrittenReason.IsAcceptable(reason))
            throw new ArgumentException($"--reveal needs --reason with a written reason of at least {Analysis.Privacy.WrittenReason.MinLength} characters; it goes into the audit log.");
        var runId = run == "latest" ? await runs.LatestIdAsync(ct) : run;
        if (runId is null || await runs.GetAsync(runId, ct) is not { } record) throw new ArgumentException(run == "latest" ? "there is no run yet; run 'nightly' first" : $"run {run} does not exist");
        var signals = (await runs.GetSignalsAsync(runId, ct))
            .Where(s => !s.Shadow && s.State is RunState.New or RunState.Continuing or RunState.Resolved)
            .OrderBy(s => s.Signal.SignalId, StringComparer.Ordinal).ToList();
        if (reveal)
            await audit.WriteAsync(new AuditEntry(clock.GetUtcNow(), actor, "admin", "export-reveal", null, reason, $"run {runId}, {signals.Count} signals"), ct);
        var records = new List<ExportRecord>();
        var scope = reveal ? await identities.BeginAsync(record.Snapshots, ct) : null;
        // A signal this run resolved was last raised on the previous run's snapshots: after minimisation, those hold its identities.
        IReadOnlyList<IReadOnlyList<Analysis.Snapshots.SnapshotUse>> fallback =
            reveal && record.PreviousRunId is { } prev && await runs.GetAsync(prev, ct) is { } previous ? [previous.Snapshots] : [];
        foreach (var rs in signals)
        {
            var s = rs.Signal;
            var r = new ExportRecord(s.SignalId, s.Model, s.ModelVersion, Name(rs.State), s.Theme, s.Object, s.Subjects, s.Evidence, runId);
            if (scope is not null)
            {
                var id = await scope.RevealAsync(s.Object, s.Subjects, fallback, ct);
                r = r with { VerblijfsobjectId = id.VerblijfsobjectId, Address = id.Address,
                    SubjectBsn = id.Bsn.Count > 0 ? string.Join(' ', id.Bsn) : null, SubjectKvk = id.Kvk.Count > 0 ? string.Join(' ', id.Kvk) : null,
                    SubjectRsin = id.Rsin.Count > 0 ? string.Join(' ', id.Rsin) : null };
            }
            records.Add(r);
        }
        return (runId, records);
    }

    public static string Name(RunState state) => state.ToString().ToLowerInvariant();
    public static string Name(ReviewState state) => state.ToString().ToLowerInvariant();

    public static string ToJsonLines<T>(IEnumerable<T> records) =>
        string.Concat(records.Select(r => Json.Serialize(r) + "\n"));

    /// <summary>The signalenregister as <c>signals list</c> shows it (docs/contracts/cli.md v2): one record per signal, pseudonyms only.</summary>
    public static IReadOnlyList<SignalListRecord> List(IEnumerable<SignalState> register) =>
        register.OrderBy(s => s.SignalId, StringComparer.Ordinal).Select(s => new SignalListRecord(
            s.SignalId, s.Model, s.ModelVersion, s.Object, s.Theme, Name(s.Review), s.Raised, s.FirstRunId, s.LastRunId,
            s.LastReferenceDate, s.Observations, s.Returned)).ToList();

    public static readonly string[] ListCsvColumns =
        ["signal_id", "model", "model_version", "object", "theme", "review_state", "raised", "first_run", "last_run", "last_reference_date", "observations", "returned"];

    public static string ToCsv(IEnumerable<SignalListRecord> records)
    {
        var sb = new StringBuilder().AppendLine(string.Join(',', ListCsvColumns));
        foreach (var r in records)
        {
            string?[] cells = [r.SignalId, r.Model, r.ModelVersion, r.Object, r.Theme, r.ReviewState, r.Raised ? "true" : "false", r.FirstRun, r.LastRun,
                r.LastReferenceDate, r.Observations.ToString(System.Globalization.CultureInfo.InvariantCulture), r.Returned ? "true" : "false"];
            sb.AppendLine(string.Join(',', cells.Select(CsvCell)));
        }
        return sb.ToString();
    }

    public static string ToCsv(IEnumerable<ExportRecord> records)
    {
        var sb = new StringBuilder().AppendLine(string.Join(',', CsvColumns));
        foreach (var r in records)
        {
            string?[] cells = [r.SignalId, r.Model, r.ModelVersion, r.State, r.Theme, r.Object, string.Join(' ', r.Subjects),
                string.Join("; ", r.Evidence.Select(e => $"{e.Key}={e.Value}")), r.VerblijfsobjectId, r.Address, r.SubjectBsn, r.SubjectKvk, r.SubjectRsin, r.RunId];
            sb.AppendLine(string.Join(',', cells.Select(CsvCell)));
        }
        return sb.ToString();
    }

    /// <summary>Quotes a cell and defuses spreadsheet formulas (a leading = + - @ tab or CR gets a quote prefix).</summary>
    public static string CsvCell(string? value)
    {
        if (string.IsNullOrEmpty(value)) return "";
        if (value[0] is '=' or '+' or '-' or '@' or '\t' or '\r') value = "'" + value;
        return value.IndexOfAny([',', '"', '\n', '\r', ';']) >= 0 || value[0] == '\'' ? $"\"{value.Replace("\"", "\"\"")}\"" : value;
    }
}
