using System.Globalization;
using System.Text;
using SignalPipeline.Analysis.Snapshots;

namespace SignalPipeline.Analysis.Formats;

/// <summary>One row in a source's v1 columns, with where it came from (a locator that names file and position, never a value).
/// <paramref name="Problem"/>: the format's own reason to reject the row (it is quarantined like a v1 row).</summary>
public sealed record SourceRow(string?[] Values, string Locator, string? Problem = null);

/// <summary>What a format reader makes of a delivery: v1 columns, rows streamed one at a time, the rows it skipped by
/// reason (not rejections: they do not count against the 5% rule), what it never read, and the peildatum.</summary>
public sealed class Conversion(string format, IReadOnlyList<string> columns)
{
    public string Format { get; } = format;
    public IReadOnlyList<string> Columns { get; } = columns;
    public IEnumerable<SourceRow> Rows { get; set; } = [];
    /// <summary>Filled while <see cref="Rows"/> is enumerated.</summary>
    public SortedDictionary<string, long> Skipped { get; } = new(StringComparer.Ordinal);
    public List<DiscardedColumn> Discarded { get; } = [];
    /// <summary>Known before the rows (LV BAG: StandTechnischeDatum); otherwise the folder date.</summary>
    public DateOnly? Peildatum { get; set; }
    /// <summary>Columns that may be empty in this format although v1 requires them (LV BAG: a NUM without postcode).</summary>
    public IReadOnlySet<string> Optional { get; init; } = new HashSet<string>();

    public void Skip(string reason) => Skipped[reason] = Skipped.GetValueOrDefault(reason) + 1;

    /// <summary>Rows the format itself rejected (not written to the CSV): quarantined, and counted against the 5% rule.</summary>
    public List<SourceRow> Problems { get; } = [];

    /// <summary>Writes the rows as a v1 CSV (<c>;</c>, UTF-8, quoted where needed, one line per row) for the snapshot
    /// builder, and returns each written row's locator: data row i is on line i + 2. Problem rows go to <see cref="Problems"/>.</summary>
    public async Task<IReadOnlyList<string>> WriteCsvAsync(Stream target, CancellationToken ct = default)
    {
        var locators = new List<string>();
        await using var writer = new StreamWriter(target, new UTF8Encoding(false), 1 << 16, leaveOpen: true);
        await writer.WriteLineAsync(string.Join(';', Columns));
        var line = new StringBuilder();
        foreach (var row in Rows)
        {
            ct.ThrowIfCancellationRequested();
            if (row.Problem is not null) { Problems.Add(row); continue; }
            line.Clear();
            for (var i = 0; i < row.Values.Length; i++)
            {
                if (i > 0) line.Append(';');
                line.Append(Quote(row.Values[i]));
            }
            await writer.WriteLineAsync(line);
            locators.Add(row.Locator);
        }
        return locators;
    }

    static string Quote(string? value)
    {
        if (string.IsNullOrEmpty(value)) return "";
        // One line per row, so line numbers map to rows: no value of the contract holds a line break.
        value = value.Replace('\r', ' ').Replace('\n', ' ');
        return value.IndexOfAny([';', '"']) >= 0 ? $"\"{value.Replace("\"", "\"\"")}\"" : value;
    }

    public static string Date(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
