using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Assistant.Tests.Support;

/// <summary>Azurite, Microsoft's Azure Storage emulator (npm <c>azurite</c>, installed into tests/azurite by the test project's
/// build), started once for the tests that share it: on ports it picks itself, with its data in a temp folder.</summary>
/// <remarks>When Node.js is not installed the tests that need it are skipped, saying so (<see cref="Require"/>).</remarks>
public sealed partial class AzuriteFixture : IAsyncLifetime
{
    /// <summary>Azurite's well-known development account (the same in every installation; not a secret).</summary>
    public const string Account = "devstoreaccount1";

    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly string _location = Directory.CreateTempSubdirectory("assistant-azurite-").FullName;
    private readonly List<string> _output = [];
    private Process? _process;
    private string? _unavailable;

    public static string PackageDir => Path.Combine(RepoPaths.Root, "tests", "azurite");

    public int BlobPort { get; private set; }

    public int TablePort { get; private set; }

    /// <summary>A connection string for the emulator's blob and table endpoints.</summary>
    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={Account};AccountKey={AccountKey};"
        + $"BlobEndpoint=http://127.0.0.1:{BlobPort}/{Account};TableEndpoint=http://127.0.0.1:{TablePort}/{Account};";

    /// <summary>How long Azurite took to start listening.</summary>
    public TimeSpan StartTime { get; private set; }

    [GeneratedRegex(@"Azurite (Blob|Table) service is successfully listening at http://127\.0\.0\.1:(\d+)")]
    private static partial Regex Listening();

    /// <summary>Skips the calling test, with the reason, when Azurite cannot run here (no Node.js).</summary>
    public void Require() => Skip.If(_unavailable is not null, _unavailable);

    public async Task InitializeAsync()
    {
        if (!OnPath("node") || !OnPath("npx"))
        {
            _unavailable = "Node.js (node, npx) is not installed: Azurite, the Azure Storage emulator these tests run against, is an npm package";
            return;
        }
        if (!File.Exists(Path.Combine(PackageDir, "node_modules", ".bin", "azurite")))
            throw new InvalidOperationException($"Azurite is not installed in {PackageDir}: the test project's build runs `npm ci` there (run `dotnet build`, or `npm ci` in that folder).");
        var clock = Stopwatch.StartNew();
        var info = new ProcessStartInfo("npx", ["--no-install", "azurite", "--silent", "--skipApiVersionCheck", "--location", _location,
            "--blobHost", "127.0.0.1", "--blobPort", "0", "--queueHost", "127.0.0.1", "--queuePort", "0", "--tableHost", "127.0.0.1", "--tablePort", "0"])
        {
            WorkingDirectory = PackageDir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _process = Process.Start(info)!;
        _process.OutputDataReceived += (_, e) => Read(e.Data, ready);
        _process.ErrorDataReceived += (_, e) => Read(e.Data, ready);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var finished = await Task.WhenAny(ready.Task, _process.WaitForExitAsync(), Task.Delay(TimeSpan.FromSeconds(90)));
        if (finished != ready.Task)
        {
            await DisposeAsync();
            throw new InvalidOperationException($"Azurite did not start listening within 90 s: {string.Join(" | ", _output)}");
        }
        StartTime = clock.Elapsed;
    }

    private void Read(string? line, TaskCompletionSource ready)
    {
        if (line is null)
            return;
        lock (_output)
        {
            _output.Add(line);
            if (Listening().Match(line) is { Success: true } m)
            {
                if (m.Groups[1].Value == "Blob")
                    BlobPort = int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture);
                else
                    TablePort = int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture);
            }
            if (BlobPort > 0 && TablePort > 0)
                ready.TrySetResult();
        }
    }

    public async Task DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process?.Dispose();
        try
        {
            Directory.Delete(_location, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static bool OnPath(string command) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Any(dir => File.Exists(Path.Combine(dir, command)));
}

/// <summary>The tests that share one Azurite (they run one class at a time).</summary>
[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "azurite";
}
