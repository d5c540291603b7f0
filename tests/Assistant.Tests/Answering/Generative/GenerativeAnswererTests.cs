using Assistant.Answering;
using Assistant.Answering.Generative;
using Assistant.Core;
using Assistant.Tests.Support;
using Newtonsoft.Json.Linq;

namespace Assistant.Tests.Answering.Generative;

/// <summary>The generative answerer against a loopback stand-in of Azure OpenAI, over the shipped corpus.</summary>
[Trait("Category", "Integration")]
[Collection(RuntimeCollection.Name)]
public sealed class GenerativeAnswererTests(RuntimeFixture fixture) : IAsyncLifetime
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

    /// <summary>A well-behaved model: the first sentence of sources 1 and 2 copied, plus one bad citation and one uncited sentence.</summary>
    private static string GroundedReply(ModelCall call, string verdict = "partly") => call.CopyingReply(verdict, 2,
        new JObject { ["text"] = "OpenAI also owns a moon base.", ["sources"] = new JArray(call.SourceCount + 5) },
        new JObject { ["text"] = "Everyone agrees this is great.", ["sources"] = new JArray() });

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
        var first = _model.Calls.Single().SourceSentence(1);
        Assert.StartsWith($"{first} [1]", answer.Text, StringComparison.Ordinal);
        Assert.Equal([DropReasons.MissingSource, DropReasons.CitesNothing], answer.Dropped!.Select(d => d.Reason));
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

    /// <summary>A model that answers with the given verdict and the first source's first sentence.</summary>
    private static string Verdict(ModelCall call, string verdict) => call.CopyingReply(verdict, 1);

    [Fact]
    public async Task The_model_gets_the_matched_terms_states_on_the_day_with_the_sources_that_quote_them()
    {
        _model.Reply = c => new ModelReply(Verdict(c, "no"));
        var answerer = await CreateAsync();
        var (answer, _) = await answerer.AnswerAsync(new AskRequest(EndedTermQuestion) { AsOf = new DateOnly(2026, 1, 15) });

        var call = Assert.Single(_model.Calls);
        Assert.Contains("Terms matched, with their state on that day", call.User, StringComparison.Ordinal);
        Assert.Matches(@"- Microsoft holds a right of first refusal on new OpenAI compute capacity\. \[infrastructure\]: on 2026-01-15 ended since 2025-10-28 \(before: in force from 2025-01-21\)\. Source \[1\]", call.User);
        Assert.Contains("those states decide the verdict", call.System, StringComparison.Ordinal);
        Assert.True(answer.Mode == "generative", answer.Notice + System.Text.Json.JsonSerializer.Serialize(answer.Dropped));
        Assert.Equal(Verdicts.No, answer.Verdict);
    }

    [Fact]
    public async Task A_model_verdict_that_contradicts_the_terms_is_refused_and_the_ledger_answers()
    {
        _model.Reply = c => new ModelReply(Verdict(c, "yes"));
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

    /// <summary>The reply of issue [6/6]: one sentence copied from source [1], one citing a source that was not given,
    /// and two fabrications citing real sources.</summary>
    private static string FourSentences(ModelCall call) => new JObject
    {
        ["verdict"] = "partly",
        ["layers"] = new JArray("infrastructure"),
        ["sentences"] = new JArray(
            new JObject { ["text"] = call.SourceSentence(1), ["sources"] = new JArray(1) },
            new JObject { ["text"] = "OpenAI models also run on a cloud nobody has named.", ["sources"] = new JArray(call.SourceCount + 1) },
            new JObject { ["text"] = "Google Cloud now hosts every OpenAI model exclusively.", ["sources"] = new JArray(1) },
            new JObject { ["text"] = "Satya Nadella and Sundar Pichai signed the handover in a private ceremony.", ["sources"] = new JArray(2) }),
    }.ToString();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Of_a_copied_sentence_a_missing_source_and_two_fabrications_only_the_copied_sentence_is_shown(bool streaming)
    {
        _model.Reply = c => new ModelReply(FourSentences(c), Chunks: 16);
        var answerer = await CreateAsync();
        var updates = new List<AnswerUpdate>();
        if (streaming)
        {
            await foreach (var u in answerer.StreamAsync(new AskRequest(Question)))
                updates.Add(u);
        }
        else
        {
            updates.Add(new AnswerUpdate(null, (await answerer.AnswerAsync(new AskRequest(Question))).Answer));
        }

        var answer = updates[^1].Final!;
        var copied = _model.Calls.Single().SourceSentence(1);
        Assert.Equal("generative", answer.Mode);
        Assert.Equal($"{copied} [1]", answer.Text);
        var quote = Assert.Single(answer.Citations).Quote;
        Assert.Contains(quote, answer.Citations[0].Passage, StringComparison.Ordinal);
        Assert.Equal([DropReasons.MissingSource, DropReasons.UnsupportedName, DropReasons.UnsupportedName], answer.Dropped!.Select(d => d.Reason));
        Assert.Contains("Google Cloud", answer.Dropped![1].Detail, StringComparison.Ordinal);
        Assert.All(updates.Where(u => u.TextSoFar is not null), u => Assert.Equal($"{copied} [1]", u.TextSoFar));
    }

    [Fact]
    public async Task A_sentence_that_contradicts_the_terms_on_the_day_sends_the_answer_to_the_ledger()
    {
        // The ROFR ended on 28 October 2025; the model says it still holds, citing the January 2025 source.
        _model.Reply = c => new ModelReply(c.CopyingReply("no", 1,
            new JObject { ["text"] = "Microsoft still holds a right of first refusal on new OpenAI capacity.", ["sources"] = new JArray(1) }));
        var answerer = await CreateAsync();
        var (answer, _) = await answerer.AnswerAsync(new AskRequest(EndedTermQuestion) { AsOf = new DateOnly(2026, 1, 15) });

        Assert.Equal("extractive", answer.Mode);
        Assert.Equal(Verdicts.No, answer.Verdict);
        Assert.Contains("says the opposite of the terms", answer.Notice, StringComparison.Ordinal);
        Assert.True(answer.Dropped!.Count == 1, System.Text.Json.JsonSerializer.Serialize(answer.Dropped));
        Assert.Equal(DropReasons.ContradictsTerms, Assert.Single(answer.Dropped!).Reason);
    }

    [Fact]
    public async Task With_the_model_check_on_a_sentence_the_model_does_not_confirm_is_dropped()
    {
        _model.Reply = c => c.User.Contains("Quote: ", StringComparison.Ordinal)
            ? new ModelReply("""{"checks": [{"n": 1, "supported": true, "why": "copied"}, {"n": 2, "supported": false, "why": "the quote names another year"}]}""")
            : new ModelReply(c.CopyingReply("partly", 2));
        var answerer = await CreateAsync(("AzureOpenAI:SupportCheck", "true"));
        var (answer, _) = await answerer.AnswerAsync(new AskRequest(Question));

        var calls = _model.Calls.ToList();
        Assert.Equal(2, calls.Count);
        Assert.Contains("1. " + calls[0].SourceSentence(1), calls[1].User, StringComparison.Ordinal);
        Assert.Contains("Quote: \"", calls[1].User, StringComparison.Ordinal);
        Assert.Equal("generative", answer.Mode);
        Assert.Equal($"{calls[0].SourceSentence(1)} [1]", answer.Text);
        var dropped = Assert.Single(answer.Dropped!);
        Assert.Equal(DropReasons.ModelCheck, dropped.Reason);
        Assert.Contains("another year", dropped.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_the_model_check_on_streaming_shows_nothing_before_the_check()
    {
        _model.Reply = c => c.User.Contains("Quote: ", StringComparison.Ordinal)
            ? new ModelReply("""{"checks": [{"n": 1, "supported": false, "why": "no"}, {"n": 2, "supported": true, "why": "yes"}]}""")
            : new ModelReply(c.CopyingReply("partly", 2), Chunks: 12);
        var answerer = await CreateAsync(("AzureOpenAI:SupportCheck", "true"));
        var updates = new List<AnswerUpdate>();
        await foreach (var u in answerer.StreamAsync(new AskRequest(Question)))
            updates.Add(u);

        Assert.DoesNotContain(updates, u => u.TextSoFar is not null);
        Assert.StartsWith(_model.Calls.First().SourceSentence(2), updates[^1].Final!.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_model_check_reply_that_cannot_be_read_gives_the_extractive_answer()
    {
        _model.Reply = c => c.User.Contains("Quote: ", StringComparison.Ordinal) ? new ModelReply("all good!") : new ModelReply(c.CopyingReply("partly", 2));
        var answerer = await CreateAsync(("AzureOpenAI:SupportCheck", "true"));
        var (answer, _) = await answerer.AnswerAsync(new AskRequest(Question));

        Assert.Equal("extractive", answer.Mode);
        Assert.Contains("support check", answer.Notice, StringComparison.Ordinal);
    }
}
