using Assistant.Core;
using Assistant.Core.Ledger;
using Assistant.Retrieval.Sqlite;
using Assistant.Tests.Support;

namespace Assistant.Tests.Ingestion;

/// <summary>corpus/terms.yaml at ingest: loaded, checked against the corpus (quotes word for word, dates, ids), stored
/// beside the passages; a bad ledger stops the run naming the term and field, and the previous index keeps serving.</summary>
[Trait("Category", "Integration")]
public sealed class TermsLedgerIngestTests : IDisposable
{
    private readonly TempCorpus _corpus = new();
    private readonly HashingEmbedder _embedder = new();

    private SqliteIndexStore Store => new(_corpus.IndexPath);

    public TermsLedgerIngestTests()
    {
        _corpus.Write("hosting.md", TempCorpus.Markdown("hosting", "2025-01-10", "Contoso Cloud hosts every model of OpenAI under a new deal."));
        _corpus.Write("change.md", TempCorpus.Markdown("change", "2025-09-01", "From September OpenAI may host its models on any cloud."));
        _corpus.Write("rumour.md", TempCorpus.Markdown("rumour", "2025-10-01", "A blog says Microsoft will buy the hosting business.").Replace("confidence: primary", "confidence: low", StringComparison.Ordinal));
    }

    private const string GoodLedger = """
        terms:
        - id: hosting-deal
          layer: infrastructure
          statement: OpenAI hosts its models on one cloud under the hosting deal.
          phrasings: [OpenAI's models have a single host cloud.]
          parties: [openai]
          states:
          - status: in_force
            from: 2025-01-10
            sources:
            - {doc: hosting, quote: Contoso Cloud hosts every model of OpenAI under a new deal.}
          - status: ended
            from: 2025-09-01
            replaced_by: any-cloud
            sources:
            - {doc: change, quote: From September OpenAI may host its models on any cloud.}
        - id: any-cloud
          layer: infrastructure
          statement: OpenAI may host its models on any cloud.
          platforms: [any]
          states:
          - status: in_force
            from: 2025-09-01
            sources:
            - {doc: change, quote: From September OpenAI may host its models on any cloud.}
        - id: hosting-sale
          layer: capital
          statement: Microsoft buys the hosting business.
          parties: [microsoft]
          states:
          - status: reported
            from: 2025-10-01
            by: a blog
            sources:
            - {doc: rumour, quote: A blog says Microsoft will buy the hosting business.}
        """;

    private async Task<IReadOnlyList<string>> ProblemsOf(string ledger)
    {
        _corpus.Write(TermsLedgerFile.FileName, ledger);
        var e = await Assert.ThrowsAnyAsync<Exception>(() => _corpus.Pipeline(_embedder, Store).RunAsync());
        return e.Message.Split('\n');
    }

    [Fact]
    public async Task A_valid_ledger_is_stored_with_a_vector_for_every_wording()
    {
        _corpus.Write(TermsLedgerFile.FileName, GoodLedger);

        await _corpus.Pipeline(_embedder, Store).RunAsync();

        using var index = await Store.OpenAsync();
        Assert.Equal(["hosting-deal", "any-cloud", "hosting-sale"], index.Ledger.Terms.Select(t => t.Id));
        Assert.Equal(4, index.TermVectors.Count);
        Assert.Equal(TermStatus.Ended, index.Ledger.ById["hosting-deal"].StateOn(new DateOnly(2025, 9, 30))!.Status);
    }

    [Fact]
    public async Task A_quote_that_is_not_word_for_word_is_refused_naming_the_term_and_field()
    {
        var problems = await ProblemsOf(GoodLedger.Replace("quote: Contoso Cloud hosts every model", "quote: Contoso Cloud hosts all models", StringComparison.Ordinal));

        Assert.Contains(problems, p => p.Contains("term 'hosting-deal', states[0].sources[0].quote: not found word for word in 'hosting'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_state_dated_before_its_source_is_refused()
    {
        var problems = await ProblemsOf(GoodLedger.Replace("from: 2025-01-10", "from: 2024-12-01", StringComparison.Ordinal));

        Assert.Contains(problems, p => p.Contains("term 'hosting-deal', states[0].from: 2024-12-01 is before its source 'hosting'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Overlapping_states_unknown_ids_and_low_confidence_facts_are_refused()
    {
        var bad = GoodLedger
            .Replace("    from: 2025-09-01\n    replaced_by: any-cloud", "    from: 2025-01-10\n    replaced_by: no-such-term", StringComparison.Ordinal)
            .Replace("status: reported", "status: in_force", StringComparison.Ordinal)
            .Replace("doc: change, quote: From September OpenAI may host its models on any cloud.}\n- id: hosting-sale", "doc: nowhere, quote: x}\n- id: hosting-sale", StringComparison.Ordinal);

        var problems = await ProblemsOf(bad);

        Assert.Contains(problems, p => p.Contains("term 'hosting-deal', states[1], from: 2025-01-10 is not after the previous state's 2025-01-10", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("term 'hosting-deal', states[1], replaced_by: no term has the id 'no-such-term'", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("term 'hosting-sale', states[0].status: a state backed only by low-confidence documents can only be 'reported' or 'disputed'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_missing_field_is_named_with_its_term()
    {
        var problems = await ProblemsOf(GoodLedger.Replace("  statement: Microsoft buys the hosting business.\n", "", StringComparison.Ordinal));

        Assert.Contains(problems, p => p.Contains("term 'hosting-sale': field 'statement' is missing", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_bad_ledger_leaves_the_previous_index_serving()
    {
        _corpus.Write(TermsLedgerFile.FileName, GoodLedger);
        await _corpus.Pipeline(_embedder, Store).RunAsync();
        var before = File.GetLastWriteTimeUtc(_corpus.IndexPath);

        await ProblemsOf(GoodLedger.Replace("layer: capital", "layer: finance", StringComparison.Ordinal));

        Assert.Equal(before, File.GetLastWriteTimeUtc(_corpus.IndexPath));
        using var index = await Store.OpenAsync();
        Assert.Equal(3, index.Ledger.Terms.Count);
        Assert.Equal("capital", index.Ledger.ById["hosting-sale"].Layer);
    }

    public void Dispose() => _corpus.Dispose();
}
