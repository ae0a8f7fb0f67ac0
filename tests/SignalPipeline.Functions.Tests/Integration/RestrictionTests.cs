using Microsoft.Extensions.Configuration;
using SignalPipeline.Analysis.Privacy;
using SignalPipeline.Analysis.Signals;
using SignalPipeline.Functions.Storage;
using SignalPipeline.Tests.Infrastructure;

namespace SignalPipeline.Tests.Integration;

/// <summary>Restriction of processing (art. 18 AVG): while the request is open the person's signals stay visible but
/// are not decided, revealed or ended; closing the request lifts it.</summary>
public sealed class RestrictionTests
{
    [Fact]
    public async Task A_restriction_request_freezes_the_persons_signals_until_it_is_closed()
    {
        using var p = new PipelineUnderTest();
        Assert.Equal(0, (await p.Cli("demo", "--no-serve", "--date", "2026-11-02")).Code);
        using var s = await Functions.Composition.AppServices.CreateAsync(
            Functions.Configuration.PipelineSettings.From(new ConfigurationBuilder().AddInMemoryCollection(p.Settings).Build()), TextWriter.Null);
        var bsn = File.ReadLines(Directory.GetFiles(Path.Combine(p.Dir.Path, "demo-extracts", "brp", "2026-11-02")).Single()).Skip(4).First().Split(';')[0];
        var keys = await s.Keys.GetAsync();
        using var pseudonymiser = new Pseudonymiser(keys.PseudonymKey, keys.PseudonymKeyVersion);
        var person = pseudonymiser.Pseudonymise(IdKind.Bsn, bsn);

        // A signal about this person (as a person-based model would raise it), and one about someone else.
        var template = (await s.Register.ListAsync()).First(c => c.Model == "BIB");
        foreach (var (id, subject) in new[] { ("BIB-0000000000000000aa01", person), ("BIB-0000000000000000aa02", "P0000000000000000000000000000000") })
            await s.Register.RaiseAsync(new Observation(id, "BIB", template.ModelVersion, template.Theme, template.Object, [subject], template.Evidence,
                "R20261102-002", "2026-11-02", template.Lineage));

        var request = await s.Subjects.RegisterRequestAsync(bsn, "beperking", new DateOnly(2026, 11, 2), "Verzoek beperking 2026-101 per brief", "coord");
        Assert.Equal(request.Id, (await s.Register.GetAsync("BIB-0000000000000000aa01"))!.RestrictedBy);
        Assert.Null((await s.Register.GetAsync("BIB-0000000000000000aa02"))!.RestrictedBy);
        Assert.Equal(DecideResult.Restricted, await s.Register.DecideAsync("BIB-0000000000000000aa01", ReviewState.Registered, "Naar casusoverleg fase 1", "coord"));
        Assert.Contains(await s.Register.HistoryAsync("BIB-0000000000000000aa01"), h => h.Event == "verwerking beperkt");

        // Over HTTP: the page says so and a reveal is refused.
        using var program = new ProgramProcess(p.Settings);
        using var http = new HttpClient { BaseAddress = program.BaseAddress };
        http.DefaultRequestHeaders.Add("X-MS-CLIENT-PRINCIPAL", Functions.Review.Principal.Encode("coord", Functions.Review.Principal.Coordinator));
        var page = await http.GetStringAsync("/review/signals/BIB-0000000000000000aa01");
        Assert.Contains("id=\"restricted\"", page);

        Assert.NotNull(await s.Subjects.UpdateRequestAsync(request.Id, RightsRequest.Granted, "Beperking toegepast tot de rectificatie is beoordeeld", "coord"));
        Assert.Null((await s.Register.GetAsync("BIB-0000000000000000aa01"))!.RestrictedBy);
        Assert.Equal(DecideResult.Done, await s.Register.DecideAsync("BIB-0000000000000000aa01", ReviewState.Registered, "Naar casusoverleg fase 1", "coord"));
    }
}
