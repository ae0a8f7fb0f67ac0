using SignalPipeline.Analysis.Snapshots;

namespace SignalPipeline.Analysis.Formats;

/// <summary>A real-format delivery through the same builder as a v1 CSV: the reader's rows are written as v1 CSV to a
/// temporary file (deleted on close), built, and the quarantine points back into the delivery with locators.</summary>
public static class ConvertedSnapshot
{
    public static async Task<BuildResult> BuildAsync(Conversion conversion, Func<IngestOptions, SnapshotBuilder> builder, IngestOptions options, string fileName, CancellationToken ct = default)
    {
        await using var csv = TempFiles.Create("convert", ".csv");
        IReadOnlyList<string> locators;
        try { locators = await conversion.WriteCsvAsync(csv, ct); }
        catch (FormatRejectedException e) { return BuildResult.Failed(e.Message, fileName, e.Locator, conversion.Discarded); }
        catch (Exception e) when (FormatRejectedException.IsParseFailure(e)) { return BuildResult.Failed(FormatRejectedException.Describe(e, conversion.Format), fileName, null, conversion.Discarded); }
        csv.Position = 0;
        var built = await builder(options with { Optional = conversion.Optional }).BuildAsync(csv, fileName, isUtf8: true, separator: ';', ct);

        string? Locate(long line) => line >= 2 && line - 2 < locators.Count ? locators[(int)(line - 2)] : null;
        var quarantine = built.Quarantine.Select(q => q with { Locator = Locate(q.Line), Line = 0, File = fileName })
            .Concat(conversion.Problems.Select(p => new QuarantineEntry(fileName, 0, null, p.Problem!, p.Locator))).ToList();
        var read = built.RowsRead + conversion.Problems.Count;
        var rejected = built.RowsRejected + conversion.Problems.Count;
        var discarded = conversion.Discarded.Concat(built.ColumnsDiscarded).ToList();
        var rejection = built.RejectionReason;
        if (rejection is null && read > 0 && rejected > options.MaxRejectedShare * read)
        {
            rejection = $"{rejected} of {read} rows were rejected, more than the permitted {options.MaxRejectedShare:P0}";
            if (built.Spool is { } spool) await spool.DisposeAsync();
            return new BuildResult(null, rejection, read, rejected, 0, [], discarded, [], [], quarantine, new Dictionary<string, int>()) { ColumnsDelivered = built.ColumnsDelivered };
        }
        return built with { RowsRead = read, RowsRejected = rejected, Quarantine = quarantine, ColumnsDiscarded = discarded, RejectionReason = rejection };
    }
}
