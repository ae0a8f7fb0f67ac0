using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace SignalPipeline.Analysis.Models;

/// <summary>The code an approval binds to (docs/contracts/models.md v2, DPIA register lifecycle): SHA-256 over the
/// model's own source files as built into this assembly (names and text, line endings normalised). A build whose model
/// code differs from what the DPIA reviewer approved is refused by the gate. Shared plumbing (linking, the context) is
/// not in it: a change there is a platform change, reviewed as such (docs/dpia-register.md).</summary>
public static class CodeHash
{
    const string Prefix = "model-source/";
    static readonly ConcurrentDictionary<Type, string> Cache = new();

    public static string Of(ISignalModel model) => Cache.GetOrAdd(model.GetType(), _ => Compute(model.SourceFiles));

    /// <summary>The source files a hash covers, as the resource names give them (e.g. <c>OvbModel.cs</c>, <c>Ano/AnoModel.cs</c>).</summary>
    public static string Compute(IEnumerable<string> files)
    {
        var assembly = typeof(CodeHash).Assembly;
        var text = new StringBuilder();
        foreach (var file in files.Order(StringComparer.Ordinal))
        {
            using var stream = assembly.GetManifestResourceStream(Prefix + file)
                ?? throw new InvalidOperationException($"model source {file} is not built into the analysis assembly");
            using var reader = new StreamReader(stream, Encoding.UTF8);
            text.Append(file).Append('\n').Append(reader.ReadToEnd().Replace("\r\n", "\n")).Append('\n');
        }
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    /// <summary>Every model source built in (for the reviewer page that shows what an approval covers).</summary>
    public static IEnumerable<string> AllFiles() =>
        typeof(CodeHash).Assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)).Select(n => n[Prefix.Length..]);

    public static string Source(string file)
    {
        using var stream = typeof(CodeHash).Assembly.GetManifestResourceStream(Prefix + file) ?? throw new FileNotFoundException(file);
        return new StreamReader(stream).ReadToEnd();
    }
}
