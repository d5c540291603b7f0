using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Assistant.Tests.Bot;

namespace Assistant.Tests.Hardening;

/// <summary>A small tmpfs mounted over a folder: a disk that really fills up (ENOSPC) or is really read-only (EROFS).</summary>
internal static class Tmpfs
{
    /// <summary>Mounts it; null when mounted, else why not (mounting needs root and CAP_SYS_ADMIN).</summary>
    public static string? TryMount(string folder, int megabytes, bool readOnly)
    {
        var result = Run("mount", "-t", "tmpfs", "-o", $"size={megabytes}m{(readOnly ? ",ro" : "")}", "tmpfs", folder);
        return result.ExitCode == 0 ? null : $"cannot mount a tmpfs here (mount exited {result.ExitCode}: {result.Output.Trim()})";
    }

    public static void Unmount(string folder)
    {
        if (Run("umount", folder).ExitCode != 0)
            Run("umount", "-l", folder);
    }

    /// <summary>Writes a file until the file system is full; returns its path.</summary>
    public static string Fill(string folder)
    {
        var path = Path.Combine(folder, "filler");
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0);
        var block = new byte[64 * 1024];
        try
        {
            while (true)
            {
                file.Write(block);
                file.Flush(flushToDisk: true);
            }
        }
        catch (IOException)
        {
            // Full. Top up what a smaller write can still take.
            for (var size = 32 * 1024; size >= 512; size /= 2)
            {
                try
                {
                    file.Write(block, 0, size);
                    file.Flush(flushToDisk: true);
                }
                catch (IOException)
                {
                }
            }
        }
        return path;
    }

    private static (int ExitCode, string Output) Run(string command, params string[] arguments)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(command, arguments) { RedirectStandardError = true, RedirectStandardOutput = true })!;
            var output = process.StandardError.ReadToEnd() + process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, output);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (-1, e.Message);
        }
    }
}

/// <summary>The host with its data folder on a 16 MB tmpfs (when one can be mounted).</summary>
public sealed class SmallDiskHostFactory : BotHostFactory
{
    public SmallDiskHostFactory() => NotMounted = Tmpfs.TryMount(DataDir, 16, readOnly: false);

    public string? NotMounted { get; }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (NotMounted is null)
            Tmpfs.Unmount(DataDir);
        if (Directory.Exists(DataDir))
            Directory.Delete(DataDir, recursive: true);
    }
}

/// <summary>A full disk: the host keeps answering (the review log and state are written off the answer path), /readyz says so.</summary>
[Trait("Category", "Integration")]
public sealed class FullDiskTests(SmallDiskHostFactory factory) : IClassFixture<SmallDiskHostFactory>
{
    [SkippableFact]
    public async Task A_full_disk_leaves_the_host_answering_and_readyz_reports_degraded_storage_until_space_returns()
    {
        Skip.If(factory.NotMounted is not null, factory.NotMounted);
        await factory.ReadyAsync();
        await using var channel = await ChannelStandIn.StartAsync();
        var client = factory.ClientFrom("192.0.2.90");
        Assert.Equal(HttpStatusCode.OK, (await Ask()).StatusCode);
        await ReadyzAsync(r => (int)r["storage"]!["review_log"]!["queued"]! == 0 && (string?)r["storage"]!["status"] == "ok");

        var filler = Tmpfs.Fill(factory.DataDir);

        for (var i = 0; i < 5; i++)
            Assert.Equal(HttpStatusCode.OK, (await Ask()).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/api/messages", TeamsActivities.Body(TeamsActivities.Message(channel.ServiceUrl, "What runs on Amazon Bedrock?", "a:full")))).StatusCode);
        await channel.WaitForAsync(r => (string?)r["conversation"]?["id"] == "a:full" && (string?)r["type"] == "message");
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/api/messages", TeamsActivities.Body(TeamsActivities.Feedback(channel.ServiceUrl, "a:full", "like", "ok")))).StatusCode);
        var degraded = await ReadyzAsync(r => (string?)r["storage"]!["status"] == "failing");
        Assert.Equal("degraded", (string?)degraded["status"]);
        Assert.Contains("full", degraded["storage"]!["failing"]!["review_log"]!["error"]!.ToString(), StringComparison.Ordinal);
        Assert.True((long)degraded["storage"]!["review_log"]!["dropped"]! >= 5);

        File.Delete(filler);
        Assert.Equal(HttpStatusCode.OK, (await Ask()).StatusCode);
        await ReadyzAsync(r => !r["storage"]!["failing"]!.AsObject().ContainsKey("review_log"));

        Task<HttpResponseMessage> Ask() => client.PostAsJsonAsync("/api/ask", new { question = "Can OpenAI models run on AWS?" });
    }

    /// <summary>/readyz (always 200 here) once it matches.</summary>
    private async Task<JsonObject> ReadyzAsync(Func<JsonObject, bool> match)
    {
        var client = factory.CreateClient();
        JsonObject? last = null;
        for (var i = 0; i < 100; i++)
        {
            var response = await client.GetAsync("/readyz");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            last = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
            if (match(last))
                return last;
            await Task.Delay(100);
        }
        throw new TimeoutException($"/readyz never matched; last: {last}");
    }
}

/// <summary>A read-only data folder: the host stops at start-up with a message naming the folder, not an unhandled exception.</summary>
[Trait("Category", "Integration")]
public sealed class ReadOnlyDataFolderTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("assistant-readonly-").FullName;
    private string? _notMounted;

    [SkippableFact]
    public async Task A_read_only_data_folder_stops_the_host_with_a_clear_message()
    {
        _notMounted = Tmpfs.TryMount(_data, 1, readOnly: true);
        Skip.If(_notMounted is not null, _notMounted);

        var (host, output) = HostProcess.Start(_data, ["--urls", $"http://127.0.0.1:{HostProcess.FreePort()}"], []);
        try
        {
            await host.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(90));
        }
        finally
        {
            HostProcess.Stop(host);
        }

        var said = string.Join('\n', output);
        Assert.Equal(1, host.ExitCode);
        Assert.Contains($"The data folder {_data} cannot be written", said, StringComparison.Ordinal);
        Assert.Contains("Assistant__Index", said, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", said, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        if (_notMounted is null)
            Tmpfs.Unmount(_data);
        Directory.Delete(_data, recursive: true);
    }
}
