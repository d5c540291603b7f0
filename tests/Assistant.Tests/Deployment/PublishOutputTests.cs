using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Runtime.Versioning;

namespace Assistant.Tests.Deployment;

/// <summary>
/// `dotnet publish bot/Assistant.Bot -c Release -r linux-x64 --self-contained false`, the content of the container
/// image: linux-x64 native assets only, a bounded size, the corpus and prompts inside, and an app that starts as an
/// unprivileged user who cannot write the publish folder, building its index into a data folder.
/// </summary>
[Trait("Category", "Integration")]
[SupportedOSPlatform("linux")]
public sealed class PublishOutputTests(PublishOutputTests.Published published) : IClassFixture<PublishOutputTests.Published>
{
    /// <summary>Measured 2026-11-30 (bot/infra/README.md): 250,476,047 bytes; the bound leaves 15 % for growth.</summary>
    private const long MeasuredBytes = 250_476_047;
    private const long MaxBytes = MeasuredBytes * 115 / 100;

    private const int Nobody = 65534;

    [Fact]
    public void Only_linux_x64_native_assets_are_published()
    {
        var runtimes = Path.Combine(published.Folder, "runtimes");
        var rids = Directory.Exists(runtimes) ? Directory.GetDirectories(runtimes).Select(Path.GetFileName).ToList() : [];
        Assert.All(rids, rid => Assert.Equal("linux-x64", rid));

        var foreignNative = Directory.EnumerateFiles(published.Folder, "*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".dylib", StringComparison.Ordinal) || NativeWindowsLibrary(f))
            .Select(f => Path.GetRelativePath(published.Folder, f));
        Assert.Empty(foreignNative);
        Assert.True(File.Exists(Path.Combine(published.Folder, "libonnxruntime.so")), "the ONNX Runtime for linux-x64 is missing");
        Assert.True(File.Exists(Path.Combine(published.Folder, "libe_sqlite3.so")), "SQLite for linux-x64 is missing");
    }

    [Fact]
    public void The_publish_folder_stays_within_the_measured_size_plus_15_percent()
    {
        var bytes = Directory.EnumerateFiles(published.Folder, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);

        Assert.True(bytes <= MaxBytes, $"the publish folder has {bytes:N0} bytes, over {MaxBytes:N0} (measured {MeasuredBytes:N0} + 15 %)");
    }

    [Theory]
    [InlineData("corpus/layers.yaml")]
    [InlineData("corpus/lexicon.yaml")]
    [InlineData("corpus/microsoft-openai-statement.md")]
    [InlineData("prompts/system.txt")]
    public void The_corpus_and_prompts_are_published(string file)
    {
        Assert.True(File.Exists(Path.Combine(published.Folder, file)), $"{file} is not in the publish output");
    }

    [SkippableFact]
    public async Task The_published_app_becomes_ready_as_an_unprivileged_user_that_cannot_write_it()
    {
        var switchUser = SwitchUserCommand();
        Skip.If(switchUser is null, "neither setpriv nor runuser is installed: cannot start the app as an unprivileged user");
        var data = Directory.CreateTempSubdirectory("assistant-data-");
        // Without the right to switch user, the app runs as this user, who owns the folder: take the write bits away.
        var ownFolder = !Environment.IsPrivilegedProcess;
        if (ownFolder)
            SetWritable(published.Folder, false);
        try
        {
            var before = Snapshot(published.Folder);
            await ChownAsync(data.FullName);
            using var app = StartApp(switchUser, data.FullName, out var output);
            try
            {
                await WaitUntilReadyAsync(app, output);
            }
            finally
            {
                app.Kill(entireProcessTree: true);
                await app.WaitForExitAsync();
            }

            Assert.True(File.Exists(Path.Combine(data.FullName, "index.db")), "the index was not built into the data folder");
            Assert.Equal(before, Snapshot(published.Folder));
        }
        finally
        {
            if (ownFolder)
                SetWritable(published.Folder, true);
            data.Delete(recursive: true);
        }
    }

    private static bool NativeWindowsLibrary(string file) =>
        file.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) && !IsManagedAssembly(file);

    private static bool IsManagedAssembly(string file)
    {
        try
        {
            System.Reflection.AssemblyName.GetAssemblyName(file);
            return true;
        }
        catch (BadImageFormatException)
        {
            return false;
        }
    }

    /// <summary>setpriv (or runuser) to run as nobody; empty when this process may not switch user (not root).</summary>
    private static string[]? SwitchUserCommand()
    {
        if (!Environment.IsPrivilegedProcess)
            return [];
        if (Which("setpriv") is { } setpriv)
            return [setpriv, $"--reuid={Nobody}", $"--regid={Nobody}", "--clear-groups", "--"];
        if (Which("runuser") is { } runuser)
            return [runuser, "-u", "nobody", "--"];
        return null;
    }

    private static string? Which(string command) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "/usr/sbin:/usr/bin:/sbin:/bin").Split(':')
            .Select(dir => Path.Combine(dir, command)).FirstOrDefault(File.Exists);

    private static void SetWritable(string folder, bool writable)
    {
        foreach (var entry in Directory.EnumerateFileSystemEntries(folder, "*", SearchOption.AllDirectories).Append(folder))
        {
            var mode = File.GetUnixFileMode(entry);
            File.SetUnixFileMode(entry, writable ? mode | UnixFileMode.UserWrite : mode & ~UnixFileMode.UserWrite);
        }
    }

    private static async Task ChownAsync(string folder)
    {
        if (!Environment.IsPrivilegedProcess)
            return;
        var chown = await CommandLine.RunAsync("chown", [$"{Nobody}:{Nobody}", folder], TimeSpan.FromSeconds(30));
        Assert.True(chown.ExitCode == 0, chown.Describe("chown"));
    }

    /// <summary>The app as the image runs it: a clean environment with the image's settings, the publish folder as working directory.</summary>
    private Process StartApp(string[] switchUser, string data, out ConcurrentQueue<string> output)
    {
        var info = new ProcessStartInfo(switchUser.Length > 0 ? switchUser[0] : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = published.Folder,
        };
        foreach (var argument in switchUser.Skip(1).Concat(switchUser.Length > 0 ? ["dotnet"] : []))
            info.ArgumentList.Add(argument);
        foreach (var argument in new[] { Path.Combine(published.Folder, "Assistant.Bot.dll"), "--urls", $"http://127.0.0.1:{FreePort()}" })
            info.ArgumentList.Add(argument);
        info.Environment.Clear();
        info.Environment["PATH"] = Environment.GetEnvironmentVariable("PATH");
        if (Environment.GetEnvironmentVariable("DOTNET_ROOT") is { Length: > 0 } dotnetRoot)
            info.Environment["DOTNET_ROOT"] = dotnetRoot;
        info.Environment["HOME"] = data;
        info.Environment["Assistant__Corpus"] = Path.Combine(published.Folder, "corpus");
        info.Environment["Assistant__Prompts"] = Path.Combine(published.Folder, "prompts");
        info.Environment["Assistant__Index"] = Path.Combine(data, "index.db");
        var lines = new ConcurrentQueue<string>();
        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lines.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lines.Enqueue(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        output = lines;
        return process;
    }

    private static async Task WaitUntilReadyAsync(Process app, ConcurrentQueue<string> output)
    {
        var url = app.StartInfo.ArgumentList[app.StartInfo.ArgumentList.IndexOf("--urls") + 1];
        using var client = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(120))
        {
            Assert.False(app.HasExited, "the app exited before it was ready:\n" + string.Join('\n', output));
            try
            {
                using var response = await client.GetAsync("/readyz");
                if (response.StatusCode == HttpStatusCode.OK)
                    return;
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }
            await Task.Delay(250);
        }
        Assert.Fail("GET /readyz did not answer 200 within 120 s:\n" + string.Join('\n', output));
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Every file of a folder with its size and time of last write.</summary>
    private static List<string> Snapshot(string folder) =>
        Directory.EnumerateFileSystemEntries(folder, "*", SearchOption.AllDirectories)
            .Select(f => $"{Path.GetRelativePath(folder, f)} {(File.Exists(f) ? new FileInfo(f).Length : -1)} {File.GetLastWriteTimeUtc(f):O}")
            .Order(StringComparer.Ordinal).ToList();

    /// <summary>One `dotnet publish` for the class, into a temporary folder that everyone may read and only root may write.</summary>
    public sealed class Published : IAsyncLifetime
    {
        public string Folder { get; } = Directory.CreateTempSubdirectory("assistant-publish-").FullName;

        public async Task InitializeAsync()
        {
            File.SetUnixFileMode(Folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
            var publish = await CommandLine.RunAsync("dotnet",
                ["publish", Path.Combine("bot", "Assistant.Bot"), "-c", "Release", "-r", "linux-x64", "--self-contained", "false", "-o", Folder, "-nodeReuse:false"],
                TimeSpan.FromMinutes(8));
            Assert.True(publish.ExitCode == 0, publish.Describe("dotnet publish"));
        }

        public Task DisposeAsync()
        {
            Directory.Delete(Folder, recursive: true);
            return Task.CompletedTask;
        }
    }
}
