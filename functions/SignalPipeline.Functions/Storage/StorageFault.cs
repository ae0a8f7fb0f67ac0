using System.Net.Sockets;
using Azure;

namespace SignalPipeline.Functions.Storage;

/// <summary>Tells an unreachable storage account (nothing could be read or written, so nothing was lost and the
/// same command can simply be run again) from a request that storage refused.</summary>
public static class StorageFault
{
    public static bool IsUnreachable(Exception e) => e switch
    {
        RequestFailedException { Status: 0 } => true,
        HttpRequestException or SocketException or TimeoutException => true,
        AggregateException a => a.InnerExceptions.Any(IsUnreachable),
        _ => e.InnerException is { } inner && IsUnreachable(inner),
    };
}

/// <summary>Storage could not be reached at all: refused for safety (exit 3), nothing was changed.</summary>
public sealed class StorageUnavailableException(string message) : Exception(message);
