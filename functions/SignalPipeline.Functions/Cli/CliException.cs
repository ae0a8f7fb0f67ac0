namespace SignalPipeline.Functions.Cli;

/// <summary>A usage problem found after parsing (a file that is not an extract, a reason too short): exit code 1.</summary>
public sealed class CliException(string message) : Exception(message);
