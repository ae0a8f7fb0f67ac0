using System.Reflection;
using NetArchTest.Rules;

namespace SignalPipeline.Tests.Architecture;

/// <summary>The dependency direction of docs/architecture.md, checked on the built assemblies (type references, not
/// using directives): every folder depends only on the folders below it, so there are no cycles; the core knows
/// nothing of Azure, ASP.NET or the functions app.</summary>
public sealed class ArchitectureTests
{
    static readonly Assembly Core = typeof(Analysis.Signals.SignalState).Assembly;
    static readonly Assembly App = typeof(Functions.Configuration.PipelineSettings).Assembly;

    /// <summary>The core's layers, bottom first; a layer may use only layers with a lower number.</summary>
    public static readonly (string Namespace, int Layer)[] CoreLayers =
    [
        ("Extracts", 0), ("Privacy", 0),
        ("Register", 1),
        ("Snapshots", 2),
        ("Signals", 3), ("Linking", 3), ("Formats", 3),
        ("Models", 4),
        ("Runs", 5),
        ("Lineage", 6), ("Publication", 6),
    ];

    /// <summary>The functions app's layers, bottom first.</summary>
    public static readonly (string Namespace, int Layer)[] AppLayers =
    [
        ("Configuration", 0),
        ("Storage", 1),
        ("Pipeline", 2),
        ("Triggers", 3), ("Composition", 3),
        ("Review", 4),
        ("Hosting", 5),
        ("Cli", 6),
    ];

    /// <summary>Types of <paramref name="name"/> that reference a namespace at their own layer or above.</summary>
    static IReadOnlyList<string> Violations(Assembly assembly, string prefix, (string Namespace, int Layer)[] layers, string name)
    {
        var layer = layers.Single(l => l.Namespace == name).Layer;
        var forbidden = layers.Where(l => l.Layer >= layer && l.Namespace != name).Select(l => $"{prefix}.{l.Namespace}").ToArray();
        if (forbidden.Length == 0) return [];
        var result = Types.InAssembly(assembly).That().ResideInNamespace($"{prefix}.{name}").ShouldNot().HaveDependencyOnAny(forbidden).GetResult();
        return result.IsSuccessful ? [] : result.FailingTypeNames.ToList();
    }

    public static TheoryData<string> CoreNamespaces => new(CoreLayers.Select(l => l.Namespace));
    public static TheoryData<string> AppNamespaces => new(AppLayers.Select(l => l.Namespace));

    [Theory]
    [MemberData(nameof(CoreNamespaces))]
    public void Each_core_folder_depends_only_on_the_folders_below_it(string name) =>
        Assert.Empty(Violations(Core, "SignalPipeline.Analysis", CoreLayers, name));

    [Theory]
    [MemberData(nameof(AppNamespaces))]
    public void Each_app_folder_depends_only_on_the_folders_below_it(string name) =>
        Assert.Empty(Violations(App, "SignalPipeline.Functions", AppLayers, name));

    [Fact]
    public void Every_namespace_is_in_a_layer()
    {
        static IEnumerable<string> Top(Assembly a, string prefix) => a.GetTypes().Select(t => t.Namespace).OfType<string>()
            .Where(n => n.StartsWith(prefix + ".", StringComparison.Ordinal)).Select(n => n[(prefix.Length + 1)..].Split('.')[0]).Distinct();
        Assert.Empty(Top(Core, "SignalPipeline.Analysis").Except(CoreLayers.Select(l => l.Namespace)));
        Assert.Empty(Top(App, "SignalPipeline.Functions").Except(AppLayers.Select(l => l.Namespace)));
        Assert.DoesNotContain(App.GetTypes(), t => t.Namespace == "SignalPipeline.Functions"); // nothing in the root
    }

    [Fact]
    public void The_core_knows_nothing_of_Azure_ASP_NET_or_the_app()
    {
        var result = Types.InAssembly(Core).ShouldNot().HaveDependencyOnAny("Azure", "Microsoft.AspNetCore", "SignalPipeline.Functions").GetResult();
        Assert.True(result.IsSuccessful, string.Join(", ", result.FailingTypeNames ?? []));
    }

    [Fact]
    public void The_check_finds_a_reference_that_runs_the_wrong_way()
    {
        // Had Models been declared below Signals, its use of Signal would be a violation: the check is not vacuous.
        (string, int)[] wrong = [.. CoreLayers.Where(l => l.Namespace != "Models"), ("Models", 3)];
        Assert.Contains(Violations(Core, "SignalPipeline.Analysis", wrong, "Models"), t => t.StartsWith("SignalPipeline.Analysis.Models.", StringComparison.Ordinal));
    }
}
