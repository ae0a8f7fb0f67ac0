namespace SignalPipeline.Functions.Cli;

/// <summary>Positional arguments and <c>--name value</c> / <c>--flag</c> options.</summary>
public sealed class CliArgs
{
    static readonly HashSet<string> Flags = ["reveal", "no-serve", "help"];
    public List<string> Positional { get; } = [];
    public Dictionary<string, string> Options { get; } = new(StringComparer.Ordinal);

    public static CliArgs Parse(IEnumerable<string> args)
    {
        var result = new CliArgs();
        using var e = args.GetEnumerator();
        while (e.MoveNext())
        {
            var a = e.Current;
            if (a.StartsWith("--"))
            {
                var name = a[2..];
                var eq = name.IndexOf('=');
                if (eq > 0) result.Options[name[..eq]] = name[(eq + 1)..];
                else if (Flags.Contains(name)) result.Options[name] = "true";
                else result.Options[name] = e.MoveNext() ? e.Current : throw new CliException($"option --{name} needs a value");
            }
            else result.Positional.Add(a);
        }
        return result;
    }

    public string? Get(string name) => Options.GetValueOrDefault(name);
    public bool Has(string name) => Options.ContainsKey(name);

    public DateOnly? Date(string name)
    {
        if (Get(name) is not { } s) return null;
        return DateOnly.TryParseExact(s, "yyyy-MM-dd", out var d) ? d : throw new CliException($"--{name} must be yyyy-MM-dd");
    }
}

public sealed class CliException(string message) : Exception(message);
