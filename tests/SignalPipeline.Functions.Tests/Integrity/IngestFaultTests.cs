using SignalPipeline.Functions.Storage;
using SignalPipeline.Tests.Infrastructure;

namespace SignalPipeline.Tests.Integrity;

/// <summary>Ingestion faults through the operator CLI: structure errors reject the file whole naming the right line,
/// deduplication looks only at accepted content, files that arrive together for one source and date are ambiguous,
/// temporary files and half-written snapshots do not outlive a crash, and nothing outside the layout is skipped silently.</summary>
public sealed class IngestFaultTests
{
    /// <summary>Night 1's BRP file, edited, as the only file of a delivery for that night's date.</summary>
    static string BrpFile(PipelineUnderTest p, Func<string[], string[]> edit, string name = "brp.csv")
    {
        var source = Path.Combine(Nights.Write(Path.Combine(p.Dir.Path, "src-" + Guid.NewGuid().ToString("N")), 1), "brp", Nights.DateText(1), "brp.csv");
        var lines = File.ReadAllText(source).TrimEnd('\n').Split('\n');
        var dir = Directory.CreateDirectory(Path.Combine(p.Dir.Path, "d-" + Guid.NewGuid().ToString("N"), "brp", Nights.DateText(1))).FullName;
        var path = Path.Combine(dir, name);
        File.WriteAllText(path, string.Join('\n', edit(lines)) + "\n");
        return path;
    }

    static async Task<SnapshotManifestView> Current(PipelineUnderTest p, string source = "brp", int night = 1)
    {
        var m = await new SnapshotStore(new StorageClients(p.Azurite.ConnectionString, null)).LatestAsync(source, Nights.Date(night));
        return new SnapshotManifestView(m?.SnapshotId, m?.RowsAccepted ?? 0);
    }

    sealed record SnapshotManifestView(string? SnapshotId, long Rows);

    [Theory]
    [InlineData(3)]   // early: the quote swallows almost the whole file
    [InlineData(-2)]  // near the end: only the last rows
    public async Task An_unterminated_quote_rejects_the_file_naming_its_line(int at)
    {
        using var p = new PipelineUnderTest();
        string[] Edit(string[] lines)
        {
            var i = at > 0 ? at : lines.Length + at; // 0-based index into the lines; the file line number is i + 1
            lines[i] = lines[i].Replace(";W;", ";\"W;");
            return lines;
        }
        var file = BrpFile(p, Edit);
        var lineNumber = at > 0 ? at + 1 : File.ReadAllLines(file).Length + at + 1;
        var r = await p.Cli("ingest", file, "--source", "brp", "--date", Nights.DateText(1));
        Assert.Equal(2, r.Code);
        Assert.Contains($": rejected", r.Out);
        Assert.Contains($"line {lineNumber}: a quoted value is not closed on its line", r.Out);
        Assert.Null((await Current(p)).SnapshotId);
    }

    [Fact]
    public async Task A_row_with_the_wrong_number_of_fields_rejects_the_file_whole()
    {
        using var p = new PipelineUnderTest();
        var file = BrpFile(p, lines => { lines[10] += ";extra"; return lines; });
        var r = await p.Cli("ingest", file, "--source", "brp", "--date", Nights.DateText(1));
        Assert.Equal(2, r.Code);
        Assert.Contains("line 11: the row has 6 fields where the header has 5; the file is rejected whole", r.Out);
    }

    [Fact]
    public async Task A_rejected_file_delivered_again_is_considered_anew()
    {
        using var p = new PipelineUnderTest();
        // 1 in 10 rows has an invalid BSN: rejected at the 5% default, accepted when the threshold is raised to 20%.
        var file = BrpFile(p, lines => lines.Select((l, i) => i > 0 && i % 10 == 0 ? "123456789" + l[9..] : l).ToArray());
        var first = await p.Cli("ingest", file, "--source", "brp", "--date", Nights.DateText(1));
        Assert.Equal(2, first.Code);
        Assert.Contains("more than the permitted 5", first.Out);
        var again = await p.Cli(new Dictionary<string, string?> { ["SignalPipeline:MaxRejectedShare"] = "0.2" }, "ingest", file, "--source", "brp", "--date", Nights.DateText(1));
        Assert.True(again.Code == 0, again.Out + again.Err);
        Assert.Contains(": accepted", again.Out);
        Assert.NotNull((await Current(p)).SnapshotId);
        // Now accepted, the same content is a duplicate.
        Assert.Contains(": duplicate", (await p.Cli("ingest", file, "--source", "brp", "--date", Nights.DateText(1))).Out);
    }

    [Fact]
    public async Task Two_different_files_for_one_source_and_date_together_are_ambiguous()
    {
        using var p = new PipelineUnderTest();
        await p.Ingest(1);
        var before = await Current(p);
        var root = Path.Combine(p.Dir.Path, "together");
        var dir = Directory.CreateDirectory(Path.Combine(root, "brp", Nights.DateText(1))).FullName;
        File.Copy(BrpFile(p, l => l.Take(20).ToArray()), Path.Combine(dir, "deel-a.csv"));
        File.Copy(BrpFile(p, l => l.Take(30).ToArray()), Path.Combine(dir, "deel-b.csv"));
        var r = await p.Cli("ingest", root);
        Assert.Equal(2, r.Code);
        Assert.Equal(2, r.Out.Split('\n').Count(l => l.Contains(": rejected") && l.Contains("ambiguous: 2 different files for brp")));
        Assert.Equal(before, await Current(p)); // the previous snapshot stays current
        // One of them alone is a correction of the date and replaces the snapshot.
        var alone = await p.Cli("ingest", Path.Combine(dir, "deel-b.csv"));
        Assert.Contains(": accepted", alone.Out);
        Assert.Contains($"replaces snapshot {before.SnapshotId}", alone.Out);
    }

    [Fact]
    public async Task Files_outside_the_layout_are_reported_not_skipped()
    {
        using var p = new PipelineUnderTest();
        var root = Nights.Write(Path.Combine(p.Dir.Path, "x"), 1);
        Directory.CreateDirectory(Path.Combine(root, "brp", "gisteren"));
        File.WriteAllText(Path.Combine(root, "brp", "gisteren", "brp.csv"), "bsn\n");
        File.WriteAllText(Path.Combine(root, "leesmij.txt"), "notes");
        var r = await p.Cli("ingest", root);
        Assert.Equal(2, r.Code);
        Assert.Contains("gisteren/brp.csv: rejected; not in the delivery layout", r.Out);
        Assert.Contains("leesmij.txt: rejected; not in the delivery layout", r.Out);
        Assert.Equal(4, r.Out.Split('\n').Count(l => l.Contains(": accepted")));
    }

    [Fact]
    public async Task A_killed_ingest_leaves_no_temporary_files_after_the_next_start_and_can_be_run_again()
    {
        using var p = new PipelineUnderTest();
        foreach (var (step, night) in new[] { ("ingest-built", 1), ("ingest-stored", 2) })
        {
            var root = Nights.Write(Path.Combine(p.Dir.Path, "x"), night);
            var (code, pid, output) = await p.RunProgram(new() { ["Testing__KillAt"] = step }, "ingest", root);
            Assert.True(code != 0, output);
            var leftovers = Path.Combine(Path.GetTempPath(), "signalpipeline", pid.ToString());
            if (step == "ingest-built") Assert.True(Directory.EnumerateFiles(leftovers).Any(), "the killed ingest left its spool behind");
            var again = await p.Cli("ingest", root);
            Assert.True(again.Code == 0, again.Out + again.Err);
            Assert.False(Directory.Exists(leftovers), "the next start removes a dead process's temporary files");
        }
        // The half-stored snapshot (manifest without its pointer) is whole again, and the night runs on it.
        Assert.NotNull((await Current(p, night: 2)).SnapshotId);
        await p.Nightly(2);
    }

    [Fact]
    public async Task Older_snapshots_stay_findable_whatever_a_date_folder_holds()
    {
        using var p = new PipelineUnderTest();
        await p.Ingest(1);
        await p.Ingest(2);
        var storage = new StorageClients(p.Azurite.ConnectionString, null);
        var container = storage.Container(StorageClients.Snapshots);
        var night2 = await Current(p, "brp", 2);
        Assert.NotEqual(await Current(p, "brp", 1), night2);
        // Night 2's pointer lost: its manifest still names the snapshot.
        await container.DeleteBlobAsync($"brp/{Nights.DateText(2)}/current.json");
        Assert.Equal(night2, await Current(p, "brp", 2));
        // A later date folder with nothing usable in it (a half-written upload): the newest usable one is found.
        await container.GetBlobClient($"brp/{Nights.DateText(3)}/brp-x/data.parquet").UploadAsync(BinaryData.FromString("partial"));
        await container.GetBlobClient($"brp/{Nights.DateText(3)}/current.json").UploadAsync(BinaryData.FromString("{\"snapshot_id\":"));
        Assert.Equal(night2, await Current(p, "brp", 3));
    }
}
