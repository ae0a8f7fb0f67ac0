namespace SignalPipeline.Analysis.Formats;

/// <summary>One delivery (all files of <c>{source}/{date}/</c>, zips read as their files): its format from the content,
/// checked against the source, and the reader that turns it into v1 rows.</summary>
public static class DeliveryReader
{
    /// <summary>The format id of the delivery, or a rejection: a file of no known format, a format the source does not
    /// take, or two formats in one delivery.</summary>
    public static string Detect(string source, IReadOnlyList<DeliveryFile> files)
    {
        if (files.Count == 0) throw new FormatRejectedException("the delivery holds no files");
        var formats = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            var format = FormatDetector.Detect(file, source)
                ?? throw new FormatRejectedException($"{file.Name}: not a recognised format for {source} ({string.Join(", ", FormatIds.For(source))})", file.Name);
            if (format == FormatDetector.LvBagAncillary) format = FormatIds.LvBag;
            if (!FormatIds.For(source).Contains(format))
                throw new FormatRejectedException($"{file.Name} is {format}, which {source} does not take ({string.Join(", ", FormatIds.For(source))})", file.Name);
            formats.Add(format);
        }
        if (formats.Count > 1) throw new FormatRejectedException($"the delivery mixes formats ({string.Join(", ", formats)}); deliver one format per source and date");
        var only = formats.Single();
        if (only is FormatIds.CsvV1 or FormatIds.GbaV && files.Count > 1)
            throw new FormatRejectedException($"ambiguous: {files.Count} different {only} files for {source} arrived together; deliver one file per source and date");
        return only;
    }

    /// <summary>The reader for a detected format other than <c>csv-v1</c> (which the snapshot builder reads as it is).</summary>
    public static Conversion Read(string format, string source, DateOnly date, IReadOnlyList<DeliveryFile> files, Func<string, string> objectPseudonym) => format switch
    {
        FormatIds.LvBag => LvBagReader.Read(files, date, objectPseudonym),
        FormatIds.GbaV => GbaVReader.Read(files.Single()),
        FormatIds.BrpPersonen => BrpPersonenReader.Read(files),
        FormatIds.Zgw => ZgwReader.Read(source, files, date),
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "no reader"),
    };
}
