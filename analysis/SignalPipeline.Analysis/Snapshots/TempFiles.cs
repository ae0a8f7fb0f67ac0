using System.Diagnostics;

namespace SignalPipeline.Analysis.Snapshots;

/// <summary>Temporary files (ingest spools, upload buffers) live in one folder per process,
/// <c>{temp}/signalpipeline/{pid}/</c>, and are deleted on close. A killed process cannot delete its own; the next
/// start removes every folder whose process is gone (<see cref="RemoveLeftovers"/>), so nothing piles up.</summary>
public static class TempFiles
{
    static readonly string Root = Path.Combine(Path.GetTempPath(), "signalpipeline");
    static readonly Lazy<string> Mine = new(() => Directory.CreateDirectory(Path.Combine(Root, Environment.ProcessId.ToString())).FullName);

    /// <summary>A new file that is deleted when the stream is closed.</summary>
    public static FileStream Create(string kind, string extension) =>
        new(Path.Combine(Mine.Value, $"{kind}-{Guid.NewGuid():N}{extension}"), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16,
            FileOptions.DeleteOnClose | FileOptions.Asynchronous);

    /// <summary>Removes the folders of processes that no longer run; returns the bytes freed.</summary>
    public static long RemoveLeftovers()
    {
        if (!Directory.Exists(Root)) return 0;
        long freed = 0;
        foreach (var dir in Directory.EnumerateDirectories(Root))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid) || pid == Environment.ProcessId || IsRunning(pid)) continue;
            try
            {
                freed += Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
                Directory.Delete(dir, recursive: true);
            }
            catch (IOException) { } catch (UnauthorizedAccessException) { } // another start is removing it too
        }
        return freed;
    }

    static bool IsRunning(int pid)
    {
        try { using var p = Process.GetProcessById(pid); return !p.HasExited; }
        catch (ArgumentException) { return false; }
        catch (InvalidOperationException) { return false; }
    }
}
