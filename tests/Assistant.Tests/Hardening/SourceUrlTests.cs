using Assistant.Ingestion;
using Assistant.Tests.Support;

namespace Assistant.Tests.Hardening;

/// <summary>Citations render a document's url as a link: ingest accepts only web addresses.</summary>
[Trait("Category", "Unit")]
public sealed class SourceUrlTests : IDisposable
{
    private readonly TempCorpus _corpus = new();

    private static string WithUrl(string url) => $"""
        ---
        id: doc-url
        title: A document
        date: 2026-01-01
        url: "{url}"
        ---
        Body about Azure.
        """;

    [Theory]
    [InlineData("javascript:alert(document.cookie)")]
    [InlineData("data:text/html,<script>alert(1)</script>")]
    [InlineData("file:///etc/passwd")]
    [InlineData("/relative/path")]
    public void A_url_that_is_not_http_or_https_is_refused_naming_the_file_and_field(string url)
    {
        var path = _corpus.Write("bad-url.md", WithUrl(url));

        var e = Assert.Throws<DocumentLoadException>(() => new CorpusReader(_corpus.Dir).Load(path));

        Assert.Contains("bad-url.md", e.Message, StringComparison.Ordinal);
        Assert.Contains("field 'url'", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_javascript_url_in_a_sidecar_is_refused_too()
    {
        var path = _corpus.Write("note.txt", "Some text about Azure.");
        _corpus.Write("note.txt.meta.yaml", "id: note\ntitle: The note\ndate: 2025-01-02\nurl: 'JavaScript:alert(1)'\n");

        var e = Assert.Throws<DocumentLoadException>(() => new CorpusReader(_corpus.Dir).Load(path));

        Assert.Contains("field 'url'", e.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://blogs.microsoft.com/blog/2026/02/27/statement/")]
    [InlineData("http://example.com/a?b=c")]
    public void Web_addresses_are_kept(string url)
    {
        var path = _corpus.Write("good-url.md", WithUrl(url));

        Assert.Equal(url, new CorpusReader(_corpus.Dir).Load(path).Info.Url);
    }

    public void Dispose() => _corpus.Dispose();
}
