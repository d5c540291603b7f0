using System.Text;
using Assistant.Ingestion;
using Assistant.Tests.Support;
using UglyToad.PdfPig.Fonts.Standard14Fonts;
using UglyToad.PdfPig.Writer;

namespace Assistant.Tests.Ingestion;

[Trait("Category", "Unit")]
public sealed class LoaderTests : IDisposable
{
    private readonly TempCorpus _corpus = new();

    private CorpusReader Reader => new(_corpus.Dir);

    [Fact]
    public void Markdown_front_matter_gives_the_metadata_and_the_body_offset()
    {
        var path = _corpus.Write("a.md", TempCorpus.Markdown("doc-a", "2026-02-27", "Body text here."));

        var doc = Reader.Load(path);

        Assert.Equal("doc-a", doc.Info.Id);
        Assert.Equal(new DateOnly(2026, 2, 27), doc.Info.Date);
        Assert.Equal("corpus/a.md", doc.Info.Path);
        Assert.Equal("Body text here.", doc.Text.Trim());
        Assert.Equal(doc.Text, File.ReadAllText(path)[doc.BodyOffset..]);
    }

    [Fact]
    public void Text_file_takes_metadata_from_its_sidecar()
    {
        var path = _corpus.Write("note.txt", "Heading line\nSome text.");
        _corpus.Write("note.txt.meta.yaml", "id: note\ntitle: The note\ndate: 2025-01-02\nconfidence: low\n");

        var doc = Reader.Load(path);

        Assert.Equal("The note", doc.Info.Title);
        Assert.Equal(Assistant.Core.Confidence.Low, doc.Info.Confidence);
    }

    [Fact]
    public void Text_file_without_sidecar_takes_its_date_from_the_file_name()
    {
        var path = _corpus.Write("2024-05-06-memo.txt", "Memo title\nThe memo says something.");

        var doc = Reader.Load(path);

        Assert.Equal(new DateOnly(2024, 5, 6), doc.Info.Date);
        Assert.Equal("Memo title", doc.Info.Title);
        Assert.Equal("2024-05-06-memo", doc.Info.Id);
    }

    [Fact]
    public void Html_headings_and_list_items_become_chunkable_lines()
    {
        var path = _corpus.Write("page.html", """
            <html><head><title>Page title</title><meta name="date" content="2026-03-01T10:00:00Z"></head>
            <body><nav>menu</nav><h2>Section one</h2><p>First paragraph.</p><ul><li>Bullet one.</li><li>Bullet two.</li></ul>
            <script>var x = 1;</script></body></html>
            """);

        var doc = Reader.Load(path);

        Assert.Equal("Page title", doc.Info.Title);
        Assert.Equal(new DateOnly(2026, 3, 1), doc.Info.Date);
        Assert.Contains("## Section one", doc.Text, StringComparison.Ordinal);
        Assert.Contains("- Bullet two.", doc.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("var x", doc.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("menu", doc.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Pdf_text_and_info_are_read()
    {
        var builder = new PdfDocumentBuilder();
        builder.DocumentInformation.Title = "A PDF source";
        builder.DocumentInformation.CreationDate = "D:20260315120000Z";
        var page = builder.AddPage(UglyToad.PdfPig.Content.PageSize.A4);
        var font = builder.AddStandard14Font(Standard14Font.Helvetica);
        page.AddText("Azure remains the primary cloud.", 12, new UglyToad.PdfPig.Core.PdfPoint(50, 700), font);
        var path = _corpus.WriteBytes("source.pdf", builder.Build());

        var doc = Reader.Load(path);

        Assert.Equal("A PDF source", doc.Info.Title);
        Assert.Equal(new DateOnly(2026, 3, 15), doc.Info.Date);
        Assert.Contains("Azure remains the primary cloud.", doc.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Configuration_files_are_not_documents()
    {
        _corpus.Write("README.md", "# How to add sources");
        _corpus.Write("a.md", TempCorpus.Markdown("doc-a", "2026-02-27", "Body."));

        var files = Reader.Files().Select(Path.GetFileName).ToList();

        Assert.Equal(["a.md"], files);
    }

    public static TheoryData<string, byte[], string> BadFiles => new()
    {
        { "broken.pdf", Encoding.ASCII.GetBytes("%PDF-1.7\n1 0 obj << /Type /Catalog"), "not a readable PDF" },
        { "open.md", Encoding.UTF8.GetBytes("---\nid: x\ntitle: T\n\nno closing fence"), "no closing '---'" },
        { "yaml.md", Encoding.UTF8.GetBytes("---\nid: [unclosed\n---\nbody"), "broken front matter" },
        { "notes.docx", Encoding.UTF8.GetBytes("PK..."), "unknown extension '.docx'" },
        { "empty.md", [], "file is empty" },
        { "nodate.md", Encoding.UTF8.GetBytes("---\nid: nodate\ntitle: T\n---\nbody"), "field 'date' is missing" },
        { "baddate.md", Encoding.UTF8.GetBytes("---\nid: baddate\ntitle: T\ndate: 27/02/2026\n---\nbody"), "not a date of the form YYYY-MM-DD" },
        { "binary.txt", [0xFF, 0xFE, 0x00, 0xC3, 0x28], "not valid UTF-8" },
        { "layer.md", Encoding.UTF8.GetBytes("---\nid: layer\ntitle: T\ndate: 2026-01-01\nlayers: [cloudy]\n---\nbody"), "unknown layer(s): cloudy" },
    };

    [Theory]
    [MemberData(nameof(BadFiles))]
    public void A_bad_file_is_refused_with_its_name_and_the_reason(string name, byte[] content, string reason)
    {
        var path = _corpus.WriteBytes(name, content);

        var e = Assert.Throws<DocumentLoadException>(() => Reader.Load(path));

        Assert.Equal($"corpus/{name}", e.FilePath);
        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
        Assert.StartsWith($"corpus/{name}: ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Two_documents_with_one_id_are_refused()
    {
        _corpus.Write("a.md", TempCorpus.Markdown("same", "2026-02-27", "One."));
        _corpus.Write("b.md", TempCorpus.Markdown("same", "2026-02-28", "Two."));

        var (_, errors) = Reader.ReadAll();

        Assert.Contains(errors, e => e.Message.Contains("id 'same' is already used by corpus/a.md", StringComparison.Ordinal));
    }

    public void Dispose() => _corpus.Dispose();
}
