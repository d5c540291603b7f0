using System.Text.RegularExpressions;
using Assistant.Answering;
using Assistant.Answering.Generative;
using Assistant.Core;
using Assistant.Tests.Support;
using Newtonsoft.Json.Linq;

namespace Assistant.Tests.Answering.Generative;

/// <summary>The generative answerer against a loopback stand-in of Azure OpenAI, over the shipped corpus.</summary>
[Trait("Category", "Integration")]
[Collection(RuntimeCollection.Name)]
public sealed partial class GenerativeAnswererTests(RuntimeFixture fixture) : IAsyncLifetime
{
    private const string Question = "Can OpenAI models run on AWS?";
    private AzureOpenAIStandIn _model = null!;
    private readonly List<IDisposable> _connections = [];

    public async Task InitializeAsync() => _model = await AzureOpenAIStandIn.StartAsync();

    public async Task DisposeAsync()
    {
        _connections.ForEach(c => c.Dispose());
        await _model.DisposeAsync();
    }

    /// <summary>The generative answerer composed as the hosts compose it, over the fixture's already built index.</summary>
    private async Task<IAnswerer> CreateAsync(params (string Key, string Value)[] overrides)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Assistant:Corpus"] = RepoPaths.Corpus,
            ["Assistant:Index"] = fixture.Assistant.Settings.Index,
            ["Assistant:Prompts"] = RepoPaths.Prompts,
            ["AzureOpenAI:Endpoint"] = _model.Endpoint,
            ["AzureOpenAI:ApiKey"] = "test-key-123",
            ["AzureOpenAI:ChatDeployment"] = "chat-dep",
            ["AzureOpenAI:MaxRetries"] = "0",
            ["AzureOpenAI:TimeoutSeconds"] = "10",
        };
        foreach (var (key, value) in overrides)
            settings[key] = value;
        var assistant = await TestAssistant.StartAsync(settings);
        _connections.Add(assistant);
        return assistant.Answerer;
    }

    [GeneratedRegex(@"^\[(\d+)\] """, RegexOptions.Multiline)]
    private static partial Regex SourceHeader();


    /// <summary>A well-behaved model: one sentence per given source (up to two), plus one bad citation and one uncited sentence.</summary>
    private static string GroundedReply(ModelCall call, string verdict = "partly")
    {
        var sources = SourceHeader().Matches(call.User).Count;
        var sentences = new JArray(
            new JObject { ["text"] = "OpenAI's stateful products may run on other clouds", ["sources"] = new JArray(1) },
            new JObject { ["text"] = "Stateless APIs stay on Azure.", ["sources"] = new JArray(Math.Min(2, sources), 1) },
            new JObject { ["text"] = "OpenAI also owns a moon base.", ["sources"] = new JArray(sources + 5) },
            new JObject { ["text"] = "Everyone agrees this is great.", ["sources"] = new JArray() });
        return new JObject { ["verdict"] = verdict, ["layers"] = new JArray("azure-exclusivity"), ["sentences"] = sentences }.ToString();
    }

    [Fact]
    public async Task The_request_goes_to_the_deployment_with_api_version_key_and_numbered_dated_sources()
    {
        _model.Reply = c => new ModelReply(GroundedReply(c));
        var answerer = await CreateAsync();
        var (answer, _) = await answerer.AnswerAsync(new AskRequest(Question));

        var call = Assert.Single(_model.Calls);
        Assert.Equal("/openai/deployments/chat-dep/chat/completions", call.Path);
        Assert.False(string.IsNullOrEmpty(call.ApiVersion));
        Assert.Equal("test-key-123", call.ApiKey);
        Assert.True(call.WantsJson);
        Assert.Equal(0, (double?)call.Body["temperature"]);
        Assert.Contains("Answer only from the numbered sources", call.System, StringComparison.Ordinal);
        Assert.Contains($"Question: {Question}", call.User, StringComparison.Ordinal);
        Assert.Matches(@"\[1\] "".+"".*, 20\d\d-\d\d-\d\d( \(date inferred\))?; confidence: \w+", call.User);
        Assert.Equal("generative", answer.Mode);
        Assert.Equal("partly", answer.Verdict);
        Assert.NotNull(answer.Tokens);
    }

    [Fact]
    public async Task Sentences_citing_a_missing_source_or_nothing_are_dropped_and_kept_ones_quote_their_source()
    {
        _model.Reply = c => new ModelReply(GroundedReply(c));
        var answerer = await CreateAsync();
        var (answer, _) = await answerer.AnswerAsync(new AskRequest(Question));

        Assert.DoesNotContain("moon base", answer.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("Everyone agrees", answer.Text, StringComparison.Ordinal);
        Assert.StartsWith("OpenAI's stateful products may run on other clouds. [1]", answer.Text, StringComparison.Ordinal);
        Assert.NotEmpty(answer.Citations);
        foreach (var c in answer.Citations)
        {
            Assert.Contains(c.Quote, c.Passage, StringComparison.Ordinal);
            Assert.Contains(c.Quote, await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, c.Path)), StringComparison.Ordinal);
        }
        Assert.Equal(Enumerable.Range(1, answer.Citations.Count), answer.Citations.Select(c => c.N));
    }

    [Theory]
    [InlineData(500)]
    [InlineData(429)]
    public async Task A_failing_model_endpoint_gives_the_extractive_answer_with_a_notice(int status)
    {
        _model.Reply = _ => new ModelReply("", Status: status);
        var answerer = await CreateAsync(("AzureOpenAI:MaxRetries", "1"));
        var (answer, _) = await answerer.AnswerAsync(new AskRequest(Question));

        Assert.Equal("extractive", answer.Mode);
        Assert.Contains($"answered {status}", answer.Notice, StringComparison.Ordinal);
        Assert.NotEmpty(answer.Citations);
        Assert.Equal(2, _model.Calls.Count); // one retry
    }

    [Fact]
    public async Task After_repeated_failures_the_circuit_opens_and_answers_stop_waiting_for_the_model()
    {
        _model.Reply = _ => new ModelReply("", Status: 503);
        var answerer = await CreateAsync();
        for (var i = 0; i < 6; i++)
            await answerer.AnswerAsync(new AskRequest(Question));
        var before = _model.Calls.Count;

        var (answer, _) = await answerer.AnswerAsync(new AskRequest(Question));

        Assert.Equal(before, _model.Calls.Count);
        Assert.Equal("extractive", answer.Mode);
        Assert.Contains("paused after repeated failures", answer.Notice, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_model_that_does_not_answer_in_time_gives_the_extractive_answer()
    {
        _model.Reply = _ => new ModelReply("{}", Delay: TimeSpan.FromSeconds(10));
        var answerer = await CreateAsync(("AzureOpenAI:TimeoutSeconds", "0.5"));
        var (answer, _) = await answerer.AnswerAsync(new AskRequest(Question));

        Assert.Equal("extractive", answer.Mode);
        Assert.Contains("timed out", answer.Notice, StringComparison.Ordinal);
        Assert.True(answer.LatencyMs < 5000, $"took {answer.LatencyMs} ms");
    }

    [Fact]
    public async Task A_verdict_outside_the_allowed_set_gives_the_extractive_answer()
    {
        _model.Reply = c => new ModelReply(GroundedReply(c, verdict: "absolutely"));
        var answerer = await CreateAsync();
        var (answer, _) = await answerer.AnswerAsync(new AskRequest(Question));

        Assert.Equal("extractive", answer.Mode);
        Assert.Contains("'absolutely'", answer.Notice, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Streaming_shows_verified_sentences_as_they_are_written_then_the_final_answer()
    {
        _model.Reply = c => new ModelReply(GroundedReply(c), Chunks: 12);
        var answerer = await CreateAsync();
        var updates = new List<AnswerUpdate>();
        await foreach (var u in answerer.StreamAsync(new AskRequest(Question)))
            updates.Add(u);

        Assert.True(Assert.Single(_model.Calls).IsStreaming);
        var partial = updates.Where(u => u.TextSoFar is not null).Select(u => u.TextSoFar!).ToList();
        Assert.True(partial.Count >= 2, $"{partial.Count} partial updates");
        Assert.StartsWith(partial[0], partial[^1], StringComparison.Ordinal);
        Assert.All(partial, p => Assert.DoesNotContain("moon base", p, StringComparison.Ordinal));
        var final = updates[^1].Final!;
        Assert.Equal("generative", final.Mode);
        Assert.Equal(partial[^1], final.Text);
    }

    [Fact]
    public async Task A_follow_up_is_rewritten_by_the_model_before_retrieval()
    {
        const string standalone = "Can OpenAI's models run on Google Cloud?";
        _model.Reply = c => c.WantsJson ? new ModelReply(GroundedReply(c)) : new ModelReply(standalone);
        var answerer = await CreateAsync();
        var (first, firstTurn) = await fixture.Assistant.Answerer.AnswerAsync(new AskRequest(Question));
        var (answer, _) = await answerer.AnswerAsync(new AskRequest("And Google?") { History = [firstTurn] });

        var calls = _model.Calls.ToList();
        Assert.Equal(2, calls.Count);
        Assert.Contains("Last message: And Google?", calls[0].User, StringComparison.Ordinal);
        Assert.Contains(Question, calls[0].User, StringComparison.Ordinal);
        Assert.Contains($"Question: {standalone}", calls[1].User, StringComparison.Ordinal);
        Assert.Equal("And Google?", answer.Question);
        Assert.Equal("generative", answer.Mode);
    }

    [Fact]
    public async Task A_question_the_sources_do_not_cover_never_reaches_the_model()
    {
        var answerer = await CreateAsync();
        var (answer, _) = await answerer.AnswerAsync(new AskRequest("What is the best pizza topping in Naples?"));

        Assert.True(answer.Abstained);
        Assert.Empty(_model.Calls);
    }

    // Written for these tests: Microsoft's right of first refusal on new OpenAI capacity ended on 28 October 2025.
    private const string EndedTermQuestion = "Is Microsoft's first-refusal right over added OpenAI capacity still in place today?";

    /// <summary>A model that answers with the given verdict and one sentence citing the first source.</summary>
    private static string Verdict(string verdict) => new JObject
    {
        ["verdict"] = verdict,
        ["layers"] = new JArray("infrastructure"),
        ["sentences"] = new JArray(new JObject { ["text"] = "Microsoft's right of first refusal is described in the first source.", ["sources"] = new JArray(1) }),
    }.ToString();

    [Fact]
    public async Task The_model_gets_the_matched_terms_states_on_the_day_with_the_sources_that_quote_them()
    {
        _model.Reply = _ => new ModelReply(Verdict("no"));
        var answerer = await CreateAsync();
        var (answer, _) = await answerer.AnswerAsync(new AskRequest(EndedTermQuestion) { AsOf = new DateOnly(2026, 1, 15) });

        var call = Assert.Single(_model.Calls);
        Assert.Contains("Terms matched, with their state on that day", call.User, StringComparison.Ordinal);
        Assert.Matches(@"- Microsoft holds a right of first refusal on new OpenAI compute capacity\. \[infrastructure\]: on 2026-01-15 ended since 2025-10-28 \(before: in force from 2025-01-21\)\. Source \[1\]", call.User);
        Assert.Contains("those states decide the verdict", call.System, StringComparison.Ordinal);
        Assert.Equal("generative", answer.Mode);
        Assert.Equal(Verdicts.No, answer.Verdict);
    }

    [Fact]
    public async Task A_model_verdict_that_contradicts_the_terms_is_refused_and_the_ledger_answers()
    {
        _model.Reply = _ => new ModelReply(Verdict("yes"));
        var answerer = await CreateAsync();
        var (answer, _) = await answerer.AnswerAsync(new AskRequest(EndedTermQuestion));

        Assert.Single(_model.Calls);
        Assert.Equal("extractive", answer.Mode);
        Assert.Equal(Verdicts.No, answer.Verdict);
        Assert.StartsWith("No.", answer.Text, StringComparison.Ordinal);
        Assert.Contains("contradicts the terms' states on the day ('no')", answer.Notice, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_flat_yes_where_the_terms_give_only_part_is_refused()
    {
        _model.Reply = c => new ModelReply(GroundedReply(c, verdict: "yes"));
        var answerer = await CreateAsync();
        var (answer, _) = await answerer.AnswerAsync(new AskRequest(Question) { AsOf = new DateOnly(2026, 3, 1) });

        Assert.Equal("extractive", answer.Mode);
        Assert.Equal(Verdicts.Partly, answer.Verdict);
        Assert.Contains("contradicts the terms' states on the day ('partly')", answer.Notice, StringComparison.Ordinal);
    }
}
