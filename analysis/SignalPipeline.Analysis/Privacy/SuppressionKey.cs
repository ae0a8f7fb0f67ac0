using System.Security.Cryptography;
using System.Text;

namespace SignalPipeline.Analysis.Privacy;

/// <summary>How the suppression list names a person: a hash of their pseudonym, not the pseudonym itself. After an
/// erasure the pseudonym is nowhere in storage; when the next extract brings the person back, their new row's
/// pseudonym hashes to the listed value and no model sees them.</summary>
public static class SuppressionKey
{
    public static string For(string pseudonym) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("suppression|" + pseudonym)));
}
