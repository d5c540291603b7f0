using Assistant.Core;

namespace Assistant.Bot.Hosting;

/// <summary>The folder beside the index where the host keeps its files (the index itself when embedded, bot.db, directline.key):
/// it must take writes, or the host stops at start-up with a message that names it instead of failing later with a stack trace.</summary>
public static class DataFolder
{
    /// <summary>Why the data folder cannot be used, or null.</summary>
    public static string? Problem(AssistantSettings settings)
    {
        var folder = Path.GetDirectoryName(settings.Index!)!;
        var probe = Path.Combine(folder, $".write-check-{Environment.ProcessId}");
        try
        {
            Directory.CreateDirectory(folder);
            using (var file = new FileStream(probe, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.WriteThrough))
            {
                file.Write(new byte[4096]);
                file.Flush(flushToDisk: true);
            }
            File.Delete(probe);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            try
            {
                File.Delete(probe);
            }
            catch (Exception cleanup) when (cleanup is IOException or UnauthorizedAccessException)
            {
                // Nothing was written.
            }
            return $"The data folder {folder} cannot be written ({e.Message}). The host keeps its index, conversation state, review log and "
                + "Direct Line key there: make it writable for this user and free some space, or set Assistant__Index to a file in a writable folder.";
        }
    }
}
