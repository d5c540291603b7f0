namespace Assistant.Core;

/// <summary>Tags text with the layers whose cues it contains: one strong cue, or two different weak ones.</summary>
public sealed class LayerTagger(LayerTaxonomy taxonomy)
{
    public LayerTaxonomy Taxonomy { get; } = taxonomy;

    /// <summary>The layers of a text, the one with most cue weight first (ties in taxonomy order).</summary>
    public IReadOnlyList<string> Tag(string text) =>
        Score(text).Where(kv => kv.Value >= 2).OrderByDescending(kv => kv.Value).Select(kv => kv.Key).ToList();

    /// <summary>Cue score per layer (strong = 2, weak = 1), in taxonomy order, zero scores left out.</summary>
    public IReadOnlyList<KeyValuePair<string, int>> Score(string text)
    {
        var words = Terms.Words(text).ToList();
        var result = new List<KeyValuePair<string, int>>();
        foreach (var layer in Taxonomy.Layers)
        {
            var score = (2 * layer.Strong.Distinct(words)) + layer.Weak.Distinct(words);
            if (score > 0)
                result.Add(new(layer.Id, score));
        }
        return result;
    }
}
