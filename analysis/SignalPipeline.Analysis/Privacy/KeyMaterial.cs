namespace SignalPipeline.Analysis.Privacy;

/// <summary>The two secrets the pipeline needs, with the versions recorded in every manifest.
/// Where they come from (Key Vault or a development file) is the functions layer's business.</summary>
public sealed record KeyMaterial(byte[] PseudonymKey, string PseudonymKeyVersion, byte[] EnvelopeKey, string EnvelopeKeyVersion)
{
    public override string ToString() => $"KeyMaterial(pseudonym {PseudonymKeyVersion}, envelope {EnvelopeKeyVersion})";
}
