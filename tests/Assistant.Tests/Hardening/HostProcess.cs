using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;

namespace Assistant.Tests.Hardening;

/// <summary>The bot host as a real process (the build output's Assistant.Bot.dll), with its data in a given folder.</summary>
internal static class HostProcess
{
    public static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static (Process Process, ConcurrentQueue<string> Output) Start(string data, IEnumerable<string> arguments, IEnumerable<(string Key, string Value)> environment,
        string[]? prefix = null)
    {
        var command = (prefix ?? []).Concat(["dotnet", "exec", Path.Combine(AppContext.BaseDirectory, "Assistant.Bot.dll")]).Concat(arguments).ToList();
        var info = new ProcessStartInfo(command[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        foreach (var argument in command.Skip(1))
            info.ArgumentList.Add(argument);
        info.Environment["Assistant__Corpus"] = RepoPaths.Corpus;
        info.Environment["Assistant__Index"] = Path.Combine(data, "index.db");
        foreach (var (key, value) in environment)
            info.Environment[key] = value;
        var output = new ConcurrentQueue<string>();
        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) output.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) output.Enqueue(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return (process, output);
    }

    /// <summary>Waits until <paramref name="done"/> holds (connection errors count as not yet), failing if the host exits first.</summary>
    public static async Task WaitForAsync(Process host, ConcurrentQueue<string> output, Func<Task<bool>> done, int seconds = 180)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(seconds))
        {
            Assert.False(host.HasExited, "the host exited:\n" + string.Join('\n', output));
            try
            {
                if (await done())
                    return;
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(200);
        }
        Assert.Fail($"timed out after {seconds} s:\n" + string.Join('\n', output.TakeLast(30)));
    }

    /// <summary>The process's resident set size (VmRSS), in bytes.</summary>
    public static long Rss(Process process)
    {
        foreach (var line in File.ReadLines($"/proc/{process.Id}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
        }
        throw new InvalidOperationException("no VmRSS line");
    }

    public static void Stop(Process host)
    {
        if (!host.HasExited)
            host.Kill(entireProcessTree: true);
        host.WaitForExit();
    }
}
