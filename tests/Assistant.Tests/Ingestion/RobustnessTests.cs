using System.Diagnostics;
using System.Text;
using Assistant.Ingestion;
using Assistant.Retrieval;
using Assistant.Retrieval.Sqlite;
using Assistant.Tests.Support;
using FsCheck.Xunit;

namespace Assistant.Tests.Ingestion;

[Trait("Category", "Unit")]
public sealed class LoaderFuzzTests : IDisposable
{
    private readonly TempCorpus _corpus = new();

    [Property(MaxTest = 200)]
    public bool Random_bytes_never_escape_a_loader_as_anything_but_a_file_error(byte[] bytes, byte kind)
    {
        var ext = new[] { ".md", ".txt", ".html", ".pdf" }[kind % 4];
        var path = _corpus.WriteBytes("fuzz" + ext, bytes);
        try
        {
            new CorpusReader(_corpus.Dir).Load(path);
            return true;
        }
        catch (DocumentLoadException e)
        {
            return e.FilePath == "corpus/fuzz" + ext && e.Reason.Length > 0;
        }
    }

    [Property(MaxTest = 100)]
    public bool A_truncated_valid_file_is_loaded_or_refused_with_a_reason(byte cut, byte kind)
    {
        var (ext, content) = (kind % 3) switch
        {
            0 => (".md", Encoding.UTF8.GetBytes(TempCorpus.Markdown("t", "2026-01-01", "# Heading\n\n- A bullet.\n\nA paragraph about Azure."))),
            1 => (".html", Encoding.UTF8.GetBytes("<html><head><title>T</title><meta name=\"date\" content=\"2026-01-01\"></head><body><h1>H</h1><p>Text.</p></body></html>")),
            _ => (".pdf", MinimalPdf()),
        };
        var length = content.Length * cut / 255;
        var path = _corpus.WriteBytes("cut" + ext, content[..length]);
        try
        {
            new CorpusReader(_corpus.Dir).Load(path);
            return true;
        }
        catch (DocumentLoadException e)
        {
            return e.Reason.Length > 0;
        }
    }

    private static byte[] MinimalPdf()
    {
        var builder = new UglyToad.PdfPig.Writer.PdfDocumentBuilder();
        builder.DocumentInformation.CreationDate = "D:20260101000000Z";
        var page = builder.AddPage(UglyToad.PdfPig.Content.PageSize.A4);
        page.AddText("Azure text.", 12, new UglyToad.PdfPig.Core.PdfPoint(50, 700), builder.AddStandard14Font(UglyToad.PdfPig.Fonts.Standard14Fonts.Standard14Font.Helvetica));
        return builder.Build();
    }

    public void Dispose() => _corpus.Dispose();
}

[Trait("Category", "Integration")]
public sealed class KilledIngestTests : IDisposable
{
    private readonly TempCorpus _corpus = new();

    [Fact]
    public async Task An_ingest_killed_mid_run_leaves_the_previous_index_answering_and_the_next_ingest_succeeds()
    {
        _corpus.Write("azure.md", TempCorpus.Markdown("azure", "2026-02-28", "Azure remains the exclusive cloud for OpenAI core models."));
        Assert.Equal(0, await Ingest().WaitForExitAsync(TimeSpan.FromMinutes(2)));
        using (var before = await new SqliteIndexStore(_corpus.IndexPath).OpenAsync())
            Assert.Single(before.Documents);

        // Enough new text that embedding takes seconds, then SIGKILL while it runs.
        for (var i = 0; i < 60; i++)
            _corpus.Write($"extra-{i}.md", TempCorpus.Markdown($"extra-{i}", "2026-03-01", string.Join("\n\n", Enumerable.Range(0, 20).Select(j => $"- Point {j}: Amazon and OpenAI expand Bedrock services in region {i}-{j}."))));
        var killed = Ingest();
        await WaitForFileAsync(_corpus.IndexPath + ".building-", TimeSpan.FromSeconds(60));
        killed.Process.Kill(entireProcessTree: true);
        await killed.Process.WaitForExitAsync();

        using (var after = await new SqliteIndexStore(_corpus.IndexPath).OpenAsync())
        {
            Assert.Equal(["azure"], after.Documents.Select(d => d.Info.Id));
            Assert.NotEmpty(await after.SearchAsync(new Assistant.Core.HybridQuery("exclusive cloud", ReadOnlyMemory<float>.Empty)));
        }
        Assert.Equal(0, await Ingest().WaitForExitAsync(TimeSpan.FromMinutes(5)));
        using var next = await new SqliteIndexStore(_corpus.IndexPath).OpenAsync();
        Assert.Equal(61, next.Documents.Count);
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(_corpus.IndexPath)!, "*.building-*"));
    }

    private RunningIngest Ingest()
    {
        var cli = Path.Combine(AppContext.BaseDirectory, "assistant.dll");
        var info = new ProcessStartInfo("dotnet", ["exec", cli, "ingest", "--corpus", _corpus.Dir, "--index", _corpus.IndexPath])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new RunningIngest(process);
    }

    private static async Task WaitForFileAsync(string prefix, TimeSpan timeout)
    {
        var dir = Path.GetDirectoryName(prefix)!;
        var name = Path.GetFileName(prefix);
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (Directory.Exists(dir) && Directory.GetFiles(dir, name + "*").Length > 0)
            {
                await Task.Delay(1500);
                return;
            }
            await Task.Delay(50);
        }
        throw new TimeoutException("the ingest never started building");
    }

    private sealed record RunningIngest(Process Process)
    {
        public async Task<int> WaitForExitAsync(TimeSpan timeout)
        {
            await Process.WaitForExitAsync().WaitAsync(timeout);
            return Process.ExitCode;
        }
    }

    public void Dispose() => _corpus.Dispose();
}
