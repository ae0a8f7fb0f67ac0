using SignalPipeline.Analysis.Signals;
using SignalPipeline.Functions.Pipeline;

namespace SignalPipeline.Functions.Review;

/// <summary>The list page's filter, from the query string. Dates compare as yyyy-MM-dd text; a malformed bound simply
/// matches nothing beyond it.</summary>
public sealed record SignalFilter(string? Model, string? Theme, string? Status, string? State, string? From, string? To, bool Inactive, int Page)
{
    public const int PageSize = 25;

    public bool Matches(SignalState c) =>
        (c.IsActive || Inactive) && (string.IsNullOrEmpty(Model) || c.Model == Model) && (string.IsNullOrEmpty(Status) || ExportService.Name(c.Review) == Status)
        && (string.IsNullOrEmpty(Theme) || c.Theme == Theme) && (string.IsNullOrEmpty(State) || ExportService.Name(c.Nightly) == State)
        && (string.IsNullOrEmpty(From) || string.CompareOrdinal(c.LastReferenceDate, From) >= 0)
        && (string.IsNullOrEmpty(To) || string.CompareOrdinal(c.LastReferenceDate, To) <= 0);

    /// <summary>Returned signals first, then the newest reference date.</summary>
    public List<SignalState> Apply(IEnumerable<SignalState> all) =>
        all.Where(Matches).OrderByDescending(c => c.Returned).ThenByDescending(c => c.LastReferenceDate, StringComparer.Ordinal)
            .ThenBy(c => c.SignalId, StringComparer.Ordinal).ToList();

    public string QueryFor(int page) =>
        $"?model={Uri.EscapeDataString(Model ?? "")}&theme={Uri.EscapeDataString(Theme ?? "")}&status={Uri.EscapeDataString(Status ?? "")}" +
        $"&state={Uri.EscapeDataString(State ?? "")}&from={Uri.EscapeDataString(From ?? "")}&to={Uri.EscapeDataString(To ?? "")}{(Inactive ? "&inactive=1" : "")}&page={page}";
}
