using System.Text.Json;

namespace Assistant.Core;

/// <summary>What the engine needs to know about all the passages of an index version, counted once at ingest and stored
/// with the version, so that a reader never reads every chunk.</summary>
/// <param name="Texts">Sentences, headings and titles counted.</param>
/// <param name="DocumentFrequencies">Stem → how many of those texts use it.</param>
/// <param name="Names">Folded word → how many of those texts write it as a name.</param>
/// <param name="Words">The words of four letters or more of the chunks and titles, in order.</param>
/// <param name="Mentions">Document id → the lexicon's parties whose first name its chunks use (documents naming none are left out).</param>
public sealed record IndexStatistics(
    int Texts,
    IReadOnlyDictionary<string, int> DocumentFrequencies,
    IReadOnlyDictionary<string, int> Names,
    IReadOnlyList<string> Words,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Mentions)
{
    /// <summary>The statistics of a version from all its documents and their chunks.</summary>
    public static IndexStatistics Of(IEnumerable<(DocumentInfo Info, IReadOnlyList<Chunk> Chunks)> documents, Lexicon lexicon)
    {
        var all = documents.ToList();
        var texts = all.SelectMany(d => d.Chunks.SelectMany(c => c.Sentences.Select(c.SentenceText).Append(c.Section)))
            .Concat(all.Select(d => d.Info.Title));
        var words = all.SelectMany(d => d.Chunks.Select(c => c.Text).Append(d.Info.Title)).SelectMany(Terms.Words)
            .Where(w => w.Length >= 4).Distinct().Order(StringComparer.Ordinal).ToList();
        var mentions = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var (info, chunks) in all)
        {
            var parties = lexicon.Entities.Where(e => chunks.Any(c => c.Text.Contains(e.Names[0], StringComparison.OrdinalIgnoreCase))).Select(e => e.Id).ToList();
            if (parties.Count > 0)
                mentions[info.Id] = parties;
        }
        return OfTexts(texts) with { Words = words, Mentions = mentions };
    }

    /// <summary>Stem and name frequencies of loose texts (no words or mentions).</summary>
    public static IndexStatistics OfTexts(IEnumerable<string> texts)
    {
        var n = 0;
        var frequencies = new Dictionary<string, int>(StringComparer.Ordinal);
        var names = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var t in texts)
        {
            n++;
            foreach (var s in Terms.Words(t).Select(Terms.Stem).Distinct())
                frequencies[s] = frequencies.GetValueOrDefault(s) + 1;
            foreach (var name in Terms.NameWords(t))
                names[name] = names.GetValueOrDefault(name) + 1;
        }
        return new IndexStatistics(n, frequencies, names, [], new Dictionary<string, IReadOnlyList<string>>());
    }

    public string ToJson() => JsonSerializer.Serialize(this);

    public static IndexStatistics FromJson(string json) =>
        JsonSerializer.Deserialize<IndexStatistics>(json) ?? throw new IndexUnavailableException("The index has no statistics. Run `assistant ingest` to rebuild it.");
}
