using SignalPipeline.Analysis.Signals;
using SignalPipeline.Functions.Storage;

namespace SignalPipeline.Functions.Review;

/// <summary>The states in the coordinator's words; stored and exported values stay as in docs/contracts/models.md.</summary>
public static class Words
{
    public static string Nl(RunState state) => state switch { RunState.New => "nieuw", RunState.Continuing => "doorlopend", RunState.Resolved => "opgelost", _ => "overgenomen" };
    public static string Nl(ReviewState state) => CandidateRegister.Nl(state);
    public static string ModelOutcome(string outcome) => outcome switch { "ran" => "gedraaid", "shadow" => "schaduw", "failed" => "mislukt", _ => "geweigerd" };
    public static string Short(string sha) => sha[..Math.Min(12, sha.Length)];
}
