using Assistant.Hosting;
using Assistant.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Assistant.Tests.Reliability;

/// <summary>A host serves an index version built by someone else (another replica, `assistant ingest`) when it refreshes.</summary>
[Trait("Category", "Integration")]
public sealed class IndexRefreshTests : IDisposable
{
    private readonly TempCorpus _corpus = new();

    public void Dispose() => _corpus.Dispose();

    [Fact]
    public async Task A_refresh_serves_a_version_built_elsewhere_once_and_then_leaves_it()
    {
        _corpus.Write("first.md", TempCorpus.Markdown("first", "2026-01-10", "Azure remains the exclusive cloud for OpenAI's stateless API."));
        using var elsewhere = await TestAssistant.StartAsync(_corpus.Dir, _corpus.IndexPath);
        using var host = await TestAssistant.StartAsync(_corpus.Dir, _corpus.IndexPath);
        var lifecycle = host.Services.GetRequiredService<IndexLifecycle>();
        Assert.False(await lifecycle.RefreshAsync());

        _corpus.Write("second.md", TempCorpus.Markdown("second", "2026-02-10", "OpenAI may now serve its API on other clouds as well."));
        await elsewhere.Services.GetRequiredService<IndexLifecycle>().ReindexAsync();

        Assert.True(await lifecycle.RefreshAsync());
        Assert.Contains(host.View.Index.Documents, d => d.Info.Id == "second");
        var served = host.View;
        Assert.False(await lifecycle.RefreshAsync());
        Assert.Same(served, host.View);
    }
}
