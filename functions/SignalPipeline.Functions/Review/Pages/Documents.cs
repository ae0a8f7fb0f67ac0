using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using SignalPipeline.Functions.Pipeline;

namespace SignalPipeline.Functions.Review.Pages;

/// <summary>Components rendered to a string outside a request: documents a user downloads or the CLI writes.</summary>
public static class Documents
{
    public static Task<string> SubjectReportAsync(SubjectReport report, DateTimeOffset at) =>
        RenderAsync<SubjectReportDocument>(new Dictionary<string, object?> { ["Report"] = report, ["At"] = at });

    public static Task<string> HandoffAsync(Analysis.Signals.SignalState signal, Analysis.Signals.Phase1Decision decision, string recipient, RevealedIdentity identity,
        string explanation, string by, DateTimeOffset at) =>
        RenderAsync<HandoffDocument>(new Dictionary<string, object?>
        {
            ["Signal"] = signal, ["Decision"] = decision, ["Recipient"] = recipient, ["Identity"] = identity, ["Explanation"] = explanation, ["By"] = by, ["At"] = at,
        });

    static async Task<string> RenderAsync<T>(IDictionary<string, object?> parameters) where T : IComponent
    {
        await using var services = new ServiceCollection().AddLogging().AddSingleton(View.Encoder).BuildServiceProvider();
        await using var renderer = new HtmlRenderer(services, services.GetRequiredService<ILoggerFactory>());
        return await renderer.Dispatcher.InvokeAsync(async () =>
            (await renderer.RenderComponentAsync<T>(ParameterView.FromDictionary(parameters))).ToHtmlString());
    }
}
