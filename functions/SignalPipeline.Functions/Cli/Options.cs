using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace SignalPipeline.Functions.Cli;

/// <summary>The options of docs/contracts/cli.md, each declared once with its parser and its help text.</summary>
public static class Options
{
    // Global: on the root command, recursive, so every verb takes them.
    public static Option<string?> Territory() => new("--territory") { Description = "gemeentecodes of the territory, comma-separated (default: configuration)", Recursive = true };
    public static Option<string?> Register() => new("--register") { Description = "the DPIA register file to use (default: the configured one)", HelpName = "FILE", Recursive = true };

    public static Option<DateOnly?> Date(string description) => new("--date") { Description = description, HelpName = "yyyy-MM-dd", CustomParser = ParseDate };
    public static Option<string> Format() => new Option<string>("--format") { Description = "json (one object per line) or csv", DefaultValueFactory = _ => "json" }.AcceptOnlyFromAmong("json", "csv");
    public static Option<string?> Out(string description) => new("--out") { Description = description, HelpName = "FILE" };
    public static Option<string> Urls() => new("--urls") { Description = "where the HTTP program listens", DefaultValueFactory = _ => "http://127.0.0.1:7071" };
    public static Option<string> Required(string name, string description) => new(name) { Description = description, Required = true };

    public static Option<DateTimeOffset?> Now() => new("--now")
    {
        Description = "run as if the clock read this instant (ISO 8601, e.g. 2027-06-01T00:00:00Z)", HelpName = "instant",
        CustomParser = r => DateTimeOffset.TryParse(r.Tokens[0].Value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t)
            ? t : Error<DateTimeOffset?>(r, "--now must be an ISO 8601 instant, e.g. 2027-06-01T00:00:00Z"),
    };

    static DateOnly? ParseDate(ArgumentResult r) =>
        DateOnly.TryParseExact(r.Tokens[0].Value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : Error<DateOnly?>(r, "--date must be yyyy-MM-dd");

    static T Error<T>(ArgumentResult r, string message) { r.AddError(message); return default!; }
}
