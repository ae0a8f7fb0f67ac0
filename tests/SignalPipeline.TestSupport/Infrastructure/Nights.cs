using System.Globalization;
using System.Text;
using SignalPipeline.Functions.Cli;

namespace SignalPipeline.Tests.Infrastructure;

/// <summary>A small municipality over several nights, for reliability tests: 30 dwellings of 40 m² whose number of
/// residents changes night by night, so OVB raises new signals, keeps others (sometimes with changed evidence),
/// resolves some and sees some return. Deterministic per night.</summary>
public static class Nights
{
    public const int Dwellings = 30;
    public static DateOnly Date(int night) => new DateOnly(2026, 3, 1).AddDays(night);
    public static string DateText(int night) => Date(night).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>Residents per night (1, 2, 3, then as night 3) for each of five kinds of dwelling: 4 or more on 40 m² is
    /// below the 12 m² norm, so OVB fires. Steady; changing evidence; resolved then returned; new on night 3; resolved.</summary>
    static readonly int[][] Pattern = [[4, 4, 4], [5, 6, 6], [4, 1, 5], [0, 0, 4], [6, 2, 2]];

    public static int Residents(int i, int night) => Pattern[i % Pattern.Length][Math.Clamp(night, 1, 3) - 1];

    /// <summary>Writes the four extracts of a night under <paramref name="root"/> in the delivery layout; returns the folder.</summary>
    public static string Write(string root, int night)
    {
        var d = DateText(night);
        var bsns = new HashSet<string>();
        var rnd = new Random(7);
        var bag = new StringBuilder("verblijfsobject_id;postcode;huisnummer;gebruiksdoelen;oppervlakte;status;pand_id;pand_status\n");
        var brp = new StringBuilder("bsn;verblijfsobject_id;functie_adres;datum_aanvang_adreshouding;gemeentecode\n");
        for (var i = 0; i < Dwellings; i++)
        {
            bag.Append($"177101{i:D10};5661AB;{i + 1};woonfunctie;40;Verblijfsobject in gebruik;177110{i:D10};Pand in gebruik\n");
            // The same people night after night (the first residents of a dwelling stay), so subjects are stable.
            var people = Enumerable.Range(0, 7).Select(_ => Analysis.Extracts.Identifiers.SampleBsn(rnd, bsns)).ToList();
            for (var r = 0; r < Residents(i, night); r++) brp.Append($"{people[r]};177101{i:D10};W;2020-01-01;1771\n");
        }
        var permits = "zaak_id;zaaktype;status;datum_aanvraag;aanvrager_kvk;verblijfsobject_id\nZ-1;omgevingsvergunning;verleend;2025-01-01;12345678;1771010000000000\n";
        var enforcement = "zaak_id;handhavingstype;status;datum_start;betrokkene_kvk;verblijfsobject_id\nH-1;controle;afgerond;2025-01-01;12345678;1771010000000000\n";
        foreach (var (source, text) in new[] { ("bag", bag.ToString()), ("brp", brp.ToString()), ("permits", permits), ("enforcement", enforcement) })
        {
            var dir = Directory.CreateDirectory(Path.Combine(root, $"night{night}", source, d)).FullName;
            File.WriteAllText(Path.Combine(dir, $"{source}.csv"), text);
        }
        return Path.Combine(root, $"night{night}");
    }
}

/// <summary>One pipeline on its own Azurite and its own folders, driven through the operator CLI in this process.</summary>
public sealed class PipelineUnderTest : IDisposable
{
    public AzuriteFixture Azurite { get; } = new();
    public TempDir Dir { get; } = new();
    public Dictionary<string, string?> Settings { get; }

    /// <param name="keyFile">A development key file to share with another pipeline, so that their pseudonyms (and so their
    /// signal ids) can be compared; by default the pipeline has a key of its own.</param>
    public PipelineUnderTest(string? keyFile = null)
    {
        Settings = Azurite.Settings(Dir.Path);
        if (keyFile is not null) Settings["SignalPipeline:DevKeyFile"] = keyFile;
    }

    /// <summary>A development key file that every pipeline of one test class can share (written on first use).</summary>
    public static string SharedKeyFile(string name) => Path.Combine(Path.GetTempPath(), $"sp-shared-keys-{Environment.ProcessId}-{name}", "dev-keys.json");

    public async Task<(int Code, string Out, string Err)> Cli(IReadOnlyDictionary<string, string?>? extra, params string[] args)
    {
        var o = new StringWriter(); var e = new StringWriter();
        var settings = new Dictionary<string, string?>(Settings);
        if (extra is not null) foreach (var (k, v) in extra) settings[k] = v;
        var code = await CliApp.RunAsync(args, o, e, settings);
        return (code, o.ToString(), e.ToString());
    }

    public Task<(int Code, string Out, string Err)> Cli(params string[] args) => Cli(null, args);

    public async Task Ingest(int night)
    {
        var r = await Cli("ingest", Nights.Write(Path.Combine(Dir.Path, "extracts"), night));
        Assert.True(r.Code == 0, r.Out + r.Err);
    }

    public async Task Nightly(int night)
    {
        var r = await Cli("nightly", "--date", Nights.DateText(night));
        Assert.True(r.Code == 0, r.Out + r.Err);
    }

    /// <summary>What a court would ask of the register: <c>signals list</c>, and every observation of every signal.</summary>
    public async Task<string> RegisterContents()
    {
        var list = await Cli("signals", "list");
        Assert.Equal(0, list.Code);
        var register = new Functions.Storage.CandidateRegister(new Functions.Storage.StorageClients(Azurite.ConnectionString, null));
        var text = new StringBuilder(list.Out);
        foreach (var s in (await register.ListAsync()).OrderBy(s => s.SignalId, StringComparer.Ordinal))
            foreach (var o in await register.ObservationsAsync(s.SignalId))
                text.Append($"{s.SignalId} {o.RunId} {string.Join(',', o.Evidence.Select(e => $"{e.Key}={e.Value}"))} {string.Join(',', o.Subjects)}\n");
        return text.ToString();
    }

    /// <summary>The built program as an operator runs it, in its own process (so that it can be killed), with this
    /// pipeline's settings and <paramref name="env"/> on top.</summary>
    public async Task<(int Code, int Pid, string Output)> RunProgram(Dictionary<string, string> env, params string[] args)
    {
        var psi = new System.Diagnostics.ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(ProgramProcess.ProgramDll());
        foreach (var a in args) psi.ArgumentList.Add(a);
        foreach (var (k, v) in Settings) psi.Environment[k.Replace(":", "__")] = v;
        foreach (var (k, v) in env) psi.Environment[k] = v;
        using var process = System.Diagnostics.Process.Start(psi)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(120_000)) { process.Kill(true); throw new TimeoutException("the program did not finish in 120 s"); }
        return (process.ExitCode, process.Id, await output + await error);
    }

    public void Dispose()
    {
        Azurite.Dispose();
        Dir.Dispose();
    }
}
