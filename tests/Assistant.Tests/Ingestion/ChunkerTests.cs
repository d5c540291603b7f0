using System.Text;
using Assistant.Core;
using Assistant.Ingestion;
using FsCheck.Xunit;

namespace Assistant.Tests.Ingestion;

[Trait("Category", "Unit")]
public sealed class ChunkerTests
{
    private static readonly LayerTagger Tagger = new(DomainKnowledge.LoadTaxonomy(RepoPaths.Corpus));

    private static SourceDocument Doc(string text, string title = "Title") => new(new DocumentInfo
    {
        Id = "d",
        Title = title,
        Date = new DateOnly(2026, 1, 1),
        Path = "corpus/d.md",
        Layers = ["market"],
    }, text, "hash");

    private static readonly string[] Sentences =
    [
        "Azure remains the exclusive cloud for core models.",
        "OpenAI launched stateful services on AWS Bedrock, while core models stay on Azure.",
        "The U.S. Department of Defense signed an agreement.",
        "Amazon contributed around $50 billion, e.g. in cash.",
        "Governance matters.",
        "Customers want clarity on the market?",
    ];

    [Property(MaxTest = 300)]
    public bool Chunks_tile_the_source_and_keep_bullets_and_sentences_whole(byte[] plan)
    {
        var (text, bullets) = Build(plan);
        var chunks = new Chunker(Tagger, maxChars: 220).Chunk(Doc(text));
        var position = 0;
        foreach (var c in chunks)
        {
            if (text[c.Start..c.End] != c.Text || c.Start < position || text[position..c.Start].Trim().Length != 0)
                return false;
            if (c.Sentences.Any(s => s.Start < c.Start || s.End > c.End))
                return false;
            position = c.End;
        }
        if (text[position..].Trim().Length != 0)
            return false;
        return bullets.All(b => chunks.Count(c => c.Start <= b.Start && b.End <= c.End) == 1);
    }

    private static (string Text, List<(int Start, int End)> Bullets) Build(byte[] plan)
    {
        var sb = new StringBuilder();
        var bullets = new List<(int, int)>();
        foreach (var step in plan.Take(40))
        {
            var sentence = Sentences[step % Sentences.Length];
            switch (step % 5)
            {
                case 0:
                    sb.Append("## Heading ").Append(step).Append('\n');
                    break;
                case 1:
                    var start = sb.Length;
                    sb.Append("-\n").Append("Label Here: ").Append(sentence).Append(' ').Append(sentence);
                    bullets.Add((start, sb.Length));
                    sb.Append('\n');
                    break;
                case 2:
                    var s = sb.Length;
                    sb.Append("- ").Append(sentence);
                    bullets.Add((s, sb.Length));
                    sb.Append('\n');
                    break;
                case 3:
                    sb.Append('\n');
                    break;
                default:
                    sb.Append(string.Join(' ', Enumerable.Repeat(sentence, 1 + (step % 4)))).Append('\n');
                    break;
            }
        }
        return (sb.ToString(), bullets);
    }

    [Fact]
    public void The_statement_keeps_its_lone_dash_bullets_whole_under_their_headings()
    {
        var text = File.ReadAllText(Path.Combine(RepoPaths.Corpus, "microsoft-openai-statement.md"));
        var body = text[(text.IndexOf("\n---\n", 4, StringComparison.Ordinal) + 5)..];
        var chunks = new Chunker(Tagger).Chunk(Doc(body, "Clarification and reaffirmation of Microsoft partnership terms"));

        var bullet = chunks.Single(c => c.Text.Contains("Countering Multi-Cloud Speculation", StringComparison.Ordinal));
        Assert.Contains("the underlying cloud infrastructure is exclusively Azure.", bullet.Text, StringComparison.Ordinal);
        Assert.Equal("Reaffirming the Microsoft-OpenAI Partnership: Azure Exclusivity Remains Paramount > Countering Multi-Cloud Speculation", bullet.Section);

        var numbered = chunks.First(c => c.Text.Contains("classified network", StringComparison.Ordinal));
        Assert.Equal("New Developments Adding Layers of Nuance > 3. U.S. Department of Defense Classified Network Deployment", numbered.Section);
        Assert.Contains("government", numbered.Layers);
    }

    [Fact]
    public void Abbreviations_do_not_end_a_sentence()
    {
        var text = "OpenAI deployed models in the U.S. Department of Defense network. It was a first.";

        var spans = SentenceSplitter.Split(text, 0, text.Length);

        Assert.Equal(2, spans.Count);
        Assert.Equal("It was a first.", text[spans[1].Start..spans[1].End]);
    }

    [Fact]
    public void A_long_paragraph_is_split_between_sentences()
    {
        var paragraph = string.Join(' ', Enumerable.Repeat("Azure remains the exclusive cloud for core models.", 20));

        var chunks = new Chunker(Tagger, maxChars: 200).Chunk(Doc(paragraph));

        Assert.True(chunks.Count > 1);
        Assert.All(chunks, c => Assert.EndsWith("models.", c.Text, StringComparison.Ordinal));
    }

    [Fact]
    public void Sentences_are_tagged_with_their_layers()
    {
        var chunks = new Chunker(Tagger).Chunk(Doc("OpenAI has launched AI capabilities on AWS Bedrock, enabling stateful AI services.\n\nAmazon contributed around $50 billion in the funding round."));

        var sentences = chunks.SelectMany(c => c.Sentences.Select(s => (Text: c.SentenceText(s), s.Layers))).ToList();
        Assert.Equal("orchestration", sentences[0].Layers[0]);
        Assert.Equal("capital", sentences[1].Layers[0]);
    }
}

[Trait("Category", "Unit")]
public sealed class LayerTaggerTests
{
    private static readonly LayerTagger Tagger = new(DomainKnowledge.LoadTaxonomy(RepoPaths.Corpus));

    [Fact]
    public void One_strong_cue_is_enough()
    {
        Assert.Contains("government", Tagger.Tag("a classified deployment"));
    }

    [Fact]
    public void One_weak_cue_is_not_enough_but_two_different_ones_are()
    {
        Assert.DoesNotContain("infrastructure", Tagger.Tag("Azure Azure Azure"));
        Assert.Contains("infrastructure", Tagger.Tag("Azure cloud"));
    }

    [Fact]
    public void The_main_layer_comes_first()
    {
        Assert.Equal("capital", Tagger.Tag("funding round investors valuation on Bedrock")[0]);
    }

    [Fact]
    public void Every_layer_id_of_the_contract_is_in_the_taxonomy()
    {
        Assert.Equal(LayerTaxonomy.Ids.Order(), Tagger.Taxonomy.Layers.Select(l => l.Id).Order());
        Assert.All(Tagger.Taxonomy.Layers, l => Assert.NotEmpty(l.Questions));
    }
}
