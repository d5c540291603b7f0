using Assistant.Core;
using Assistant.Ingestion;
using Microsoft.Extensions.AI;

namespace Assistant.Tests.Support;

/// <summary>A throw-away corpus folder with the real taxonomy and lexicon, and an index path beside it.</summary>
internal sealed class TempCorpus : IDisposable
{
    public TempCorpus()
    {
        Root = Directory.CreateTempSubdirectory("assistant-test-").FullName;
        Dir = Path.Combine(Root, "corpus");
        Directory.CreateDirectory(Dir);
        File.Copy(Path.Combine(RepoPaths.Corpus, DomainKnowledge.LayersFile), Path.Combine(Dir, DomainKnowledge.LayersFile));
        File.Copy(Path.Combine(RepoPaths.Corpus, DomainKnowledge.LexiconFile), Path.Combine(Dir, DomainKnowledge.LexiconFile));
        IndexPath = Path.Combine(Root, "data", "index.db");
    }

    public string Root { get; }

    public string Dir { get; }

    public string IndexPath { get; }

    /// <summary>The ingestion pipeline over this corpus, with its taxonomy and lexicon.</summary>
    public IngestionPipeline Pipeline(IEmbeddingGenerator<string, Embedding<float>> embedder, IIndexStore store)
    {
        var taxonomy = DomainKnowledge.LoadTaxonomy(Dir);
        return new IngestionPipeline(new CorpusReader(Dir), new Chunker(new LayerTagger(taxonomy)), embedder, store, taxonomy, DomainKnowledge.LoadLexicon(Dir));
    }

    public string Write(string relative, string content)
    {
        var path = Path.Combine(Dir, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }

    public string WriteBytes(string relative, byte[] content)
    {
        var path = Path.Combine(Dir, relative);
        File.WriteAllBytes(path, content);
        return path;
    }

    public static string Markdown(string id, string date, string body, string title = "A test document") => $"""
        ---
        id: {id}
        title: {title}
        date: {date}
        publisher: Test
        confidence: primary
        kind: summary
        ---
        {body}
        """;

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
