using System.Collections.Concurrent;
using System.Diagnostics;
using Assistant.Retrieval.Sqlite;
using Assistant.Tests.Support;

namespace Assistant.Tests.Hardening;

/// <summary>Two `assistant ingest` runs on one index: the second stops with a clear message, the first finishes.</summary>
[Trait("Category", "Integration")]
public sealed class IngestLockTests : IDisposable
{
    private readonly TempCorpus _corpus = new();

    [Fact]
    public async Task A_second_ingest_exits_with_a_clear_message_and_the_first_one_completes()
    {
        // Enough text that the first build embeds for seconds.
        for (var i = 0; i < 60; i++)
            _corpus.Write($"doc-{i}.md", TempCorpus.Markdown($"doc-{i}", "2026-03-01", string.Join("\n\n", Enumerable.Range(0, 20).Select(j => $"- Point {j}: Amazon and OpenAI expand Bedrock services in region {i}-{j}."))));
        var (first, _) = Ingest();
        await WaitForFileAsync(_corpus.IndexPath + ".building-", TimeSpan.FromSeconds(90));

        var (second, output) = Ingest();
        await second.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));

        Assert.Equal(1, second.ExitCode);
        var said = string.Join('\n', output);
        Assert.Contains("Another ingest is building the index", said, StringComparison.Ordinal);
        Assert.DoesNotContain("SqliteException", said, StringComparison.Ordinal);
        await first.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(5));
        Assert.Equal(0, first.ExitCode);
        using var index = await new SqliteIndexStore(_corpus.IndexPath).OpenAsync();
        Assert.Equal(60, index.Documents.Count);
    }

    private (Process Process, ConcurrentQueue<string> Output) Ingest()
    {
        var cli = Path.Combine(AppContext.BaseDirectory, "assistant.dll");
        var info = new ProcessStartInfo("dotnet", ["exec", cli, "ingest", "--corpus", _corpus.Dir, "--index", _corpus.IndexPath])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var output = new ConcurrentQueue<string>();
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) output.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) output.Enqueue(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return (process, output);
    }

    private static async Task WaitForFileAsync(string prefix, TimeSpan timeout)
    {
        var dir = Path.GetDirectoryName(prefix)!;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (Directory.Exists(dir) && Directory.GetFiles(dir, Path.GetFileName(prefix) + "*").Length > 0)
                return;
            await Task.Delay(50);
        }
        throw new TimeoutException("the first ingest never started building");
    }

    public void Dispose() => _corpus.Dispose();
}
