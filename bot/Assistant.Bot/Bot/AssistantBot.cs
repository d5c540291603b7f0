using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Assistant.Answering;
using Assistant.Bot.Hosting;
using Assistant.Core;
using Microsoft.Bot.Builder;
using Microsoft.Bot.Builder.Teams;
using Microsoft.Bot.Schema;
using Newtonsoft.Json.Linq;

namespace Assistant.Bot.Bot;

/// <summary>A conversation's memory: its recent turns, its "as of" day and the answers feedback may refer to.</summary>
public sealed class ConversationData
{
    public List<StoredTurn> Turns { get; set; } = [];

    public string? AsOf { get; set; }

    public DateTimeOffset LastActive { get; set; }
}

/// <summary>One remembered turn: enough to resolve follow-ups and to file feedback against it.</summary>
public sealed class StoredTurn
{
    public string Question { get; set; } = "";
    public bool IsTalkingPoint { get; set; }
    public List<string> Layers { get; set; } = [];
    public string? ActivityId { get; set; }
    public string? Answer { get; set; }
}

/// <summary>The assistant in Teams and Web Chat: questions, /commands, follow-ups, feedback.</summary>
public sealed partial class AssistantBot(AssistantHost host, ConversationState state, ReviewLog review, Security.ConversationBudget budget,
    IConfiguration configuration, ILogger<AssistantBot> logger) : TeamsActivityHandler
{
    /// <summary>Least time between two interim updates of a streamed answer (Teams throttles faster ones).</summary>
    private readonly TimeSpan _streamInterval = TimeSpan.FromMilliseconds(configuration.GetValue("Bot:StreamIntervalMs", 1000));

    /// <summary>Turns kept per conversation for follow-ups.</summary>
    public const int MaxTurns = 10;

    private const string Help = """
        Ask me about the Microsoft–OpenAI partnership terms, for example "Where can OpenAI's models run?". Every answer cites its sources.

        - **/check** *statement*: check a talking point (supported, contradicted, partly, outdated or not covered)
        - **/asof** *YYYY-MM-DD*: answer as the sources stood on that day (**/asof off** to clear)
        - **/sources**: the documents I answer from
        - **/reset**: forget this conversation
        - **/help**: this message
        """;

    private readonly IStatePropertyAccessor<ConversationData> _data = state.CreateProperty<ConversationData>(nameof(ConversationData));

    [GeneratedRegex(@"<at>[^<]*</at>", RegexOptions.IgnoreCase)]
    private static partial Regex MentionMarkup();

    public override async Task OnTurnAsync(ITurnContext turnContext, CancellationToken cancellationToken = default)
    {
        // The turn's log lines carry its channel and activity id beside the request's correlation id.
        using var scope = logger.BeginScope(new Dictionary<string, object?> { ["Channel"] = turnContext.Activity.ChannelId, ["ActivityId"] = turnContext.Activity.Id });
        await base.OnTurnAsync(turnContext, cancellationToken).ConfigureAwait(false);
        await state.SaveChangesAsync(turnContext, force: false, cancellationToken).ConfigureAwait(false);
    }

    protected override async Task OnMessageActivityAsync(ITurnContext<IMessageActivity> turnContext, CancellationToken cancellationToken)
    {
        var text = QuestionText(turnContext.Activity);
        if (text.Length == 0)
        {
            var reply = turnContext.Activity.Attachments?.Count > 0
                ? "I can only read text questions: please type your question."
                : "Ask me a question about the Microsoft–OpenAI partnership, or type /help.";
            await turnContext.SendActivityAsync(MessageFactory.Text(reply), cancellationToken).ConfigureAwait(false);
            return;
        }
        // Direct Line is limited before it reaches the bot; Teams carries the conversation in the body, so it is limited here.
        if (turnContext.Activity.ChannelId != DirectLine.DirectLineEndpoints.ChannelId
            && budget.TryTake(turnContext.Activity.Conversation?.Id ?? "") is { } wait)
        {
            await turnContext.SendActivityAsync(MessageFactory.Text(
                $"You're asking faster than I can keep up with. Please wait {Math.Ceiling(wait.TotalSeconds):0} seconds and ask again."), cancellationToken).ConfigureAwait(false);
            return;
        }
        var data = await _data.GetAsync(turnContext, () => new ConversationData(), cancellationToken).ConfigureAwait(false);
        data.LastActive = DateTimeOffset.UtcNow;
        if (text.StartsWith('/') && !text.StartsWith("/check", StringComparison.OrdinalIgnoreCase))
        {
            await CommandAsync(turnContext, data, text, cancellationToken).ConfigureAwait(false);
            return;
        }
        var isCheck = text.StartsWith("/check", StringComparison.OrdinalIgnoreCase);
        var question = isCheck ? text[6..].Trim() : text;
        var runtime = host.Runtime;
        if (runtime is null)
        {
            await turnContext.SendActivityAsync(MessageFactory.Text(host.Failure is null
                ? "I'm still building my index of the sources; please ask again in a few seconds."
                : "I can't answer right now: my sources could not be loaded. The team has been told."), cancellationToken).ConfigureAwait(false);
            return;
        }
        if (question.Length == 0)
        {
            await turnContext.SendActivityAsync(MessageFactory.Text("Give me the statement to check, for example: /check OpenAI's core models run only on Azure."), cancellationToken).ConfigureAwait(false);
            return;
        }
        if (question.Length > host.Settings.MaxQuestionLength)
        {
            await turnContext.SendActivityAsync(MessageFactory.Text(
                $"That message is {question.Length} characters long; I take questions of up to {host.Settings.MaxQuestionLength}. Could you shorten it?"), cancellationToken).ConfigureAwait(false);
            return;
        }

        var history = runtime.Extractive.Replay(data.Turns.Select(t => (t.Question, t.IsTalkingPoint, (IReadOnlyList<string>)t.Layers)));
        var asOf = data.AsOf is null ? (DateOnly?)null : DateOnly.ParseExact(data.AsOf, "yyyy-MM-dd", CultureInfo.InvariantCulture);
        var request = new AskRequest(question) { History = history, AsOf = asOf, IsTalkingPoint = isCheck };
        var (answer, activity, sent) = runtime.Answerer is Answering.Generative.GenerativeAnswerer && CanStream(turnContext.Activity)
            ? await StreamAnswerAsync(turnContext, runtime, request, cancellationToken).ConfigureAwait(false)
            : await SendAnswerAsync(turnContext, runtime, request, cancellationToken).ConfigureAwait(false);
        data.Turns.Add(new StoredTurn
        {
            Question = question,
            IsTalkingPoint = isCheck,
            Layers = [.. answer.Layers],
            ActivityId = sent?.Id ?? activity.Id,
            Answer = answer.Text,
        });
        if (data.Turns.Count > MaxTurns)
            data.Turns.RemoveRange(0, data.Turns.Count - MaxTurns);
        await review.AddQuestionAsync(turnContext.Activity.ChannelId ?? "bot", answer, cancellationToken).ConfigureAwait(false);
        logger.LogInformation("Answered in {Ms} ms: verdict {Verdict}, {Citations} citations, abstained {Abstained}", answer.LatencyMs, answer.Verdict, answer.Citations.Count, answer.Abstained);
    }

    private static async Task<(Answer, Activity, ResourceResponse?)> SendAnswerAsync(ITurnContext turnContext, AssistantRuntime runtime, AskRequest request, CancellationToken ct)
    {
        await turnContext.SendActivityAsync(new Activity { Type = ActivityTypes.Typing }, ct).ConfigureAwait(false);
        var (answer, _) = await runtime.Answerer.AnswerAsync(request, ct).ConfigureAwait(false);
        var activity = AnswerActivityMapper.ToActivity(answer);
        return (answer, activity, await turnContext.SendActivityAsync(activity, ct).ConfigureAwait(false));
    }

    /// <summary>Shows the answer as the model writes it (verified sentence by sentence), then the final cited message.</summary>
    private async Task<(Answer, Activity, ResourceResponse?)> StreamAnswerAsync(ITurnContext turnContext, AssistantRuntime runtime, AskRequest request, CancellationToken ct)
    {
        var sequence = 1;
        var first = await turnContext.SendActivityAsync(AnswerActivityMapper.StreamUpdate("Searching the sources…", null, sequence, informative: true), ct).ConfigureAwait(false);
        var streamId = first?.Id;
        var last = DateTimeOffset.MinValue;
        Answer? answer = null;
        await foreach (var update in runtime.Answerer.StreamAsync(request, ct).ConfigureAwait(false))
        {
            if (update.Final is { } final)
            {
                answer = final;
                continue;
            }
            if (streamId is null || update.TextSoFar is null || DateTimeOffset.UtcNow - last < _streamInterval)
                continue;
            last = DateTimeOffset.UtcNow;
            await turnContext.SendActivityAsync(AnswerActivityMapper.StreamUpdate(update.TextSoFar, streamId, ++sequence, informative: false), ct).ConfigureAwait(false);
        }
        var activity = AnswerActivityMapper.ToActivity(answer!);
        if (streamId is not null)
            AnswerActivityMapper.EndStream(activity, streamId);
        return (answer!, activity, await turnContext.SendActivityAsync(activity, ct).ConfigureAwait(false));
    }

    /// <summary>Teams streams in personal chats only; Web Chat through the host's Direct Line always can.</summary>
    private static bool CanStream(IActivity activity) =>
        activity.ChannelId == DirectLine.DirectLineEndpoints.ChannelId
        || (activity.ChannelId == Microsoft.Bot.Connector.Channels.Msteams && activity.Conversation?.ConversationType == "personal");

    private async Task CommandAsync(ITurnContext turnContext, ConversationData data, string text, CancellationToken ct)
    {
        var (command, argument) = text.IndexOf(' ') is var i and > 0 ? (text[..i].ToLowerInvariant(), text[(i + 1)..].Trim()) : (text.ToLowerInvariant(), "");
        string reply;
        switch (command)
        {
            case "/help":
                reply = Help;
                break;
            case "/reset":
                data.Turns.Clear();
                data.AsOf = null;
                reply = "Done: I've forgotten this conversation.";
                break;
            case "/asof" when argument is "" or "off":
                data.AsOf = null;
                reply = "I'll answer from all sources, as of today.";
                break;
            case "/asof" when DateOnly.TryParseExact(argument, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day):
                data.AsOf = day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
                reply = $"I'll answer as the sources stood on {data.AsOf}.";
                break;
            case "/asof":
                reply = $"'{argument}' is not a date I can use; write it as YYYY-MM-DD, for example /asof 2026-03-01.";
                break;
            case "/sources":
                reply = Sources();
                break;
            default:
                reply = $"I don't know the command {command}.\n\n{Help}";
                break;
        }
        await turnContext.SendActivityAsync(MessageFactory.Text(reply), ct).ConfigureAwait(false);
    }

    private string Sources()
    {
        if (host.Runtime is not { } runtime)
            return "I'm still loading my sources.";
        var sb = new StringBuilder("I answer from these sources:\n\n");
        foreach (var d in runtime.Index.Documents)
            sb.Append(CultureInfo.InvariantCulture, $"- {d.Info.Date:yyyy-MM-dd} · {d.Info.Title} ({d.Info.Confidence.ToString().ToLowerInvariant()})\n");
        return sb.ToString();
    }

    protected override async Task OnMembersAddedAsync(IList<ChannelAccount> membersAdded, ITurnContext<IConversationUpdateActivity> turnContext, CancellationToken cancellationToken)
    {
        if (!membersAdded.Any(m => m.Id != turnContext.Activity.Recipient?.Id))
            return;
        var examples = host.Runtime?.Taxonomy.Layers.Select(l => l.Questions.FirstOrDefault()).OfType<string>().Take(3).ToList()
            ?? ["Where can OpenAI's models run?"];
        var welcome = MessageFactory.Text("Hi! I answer questions about the Microsoft–OpenAI partnership terms, with the sources and dates behind every sentence. Try one of these, or type /help.");
        welcome.SuggestedActions = new SuggestedActions { Actions = examples.Select(e => new CardAction(ActionTypes.ImBack, e, value: e)).ToList() };
        await turnContext.SendActivityAsync(welcome, cancellationToken).ConfigureAwait(false);
    }

    protected override async Task<InvokeResponse> OnInvokeActivityAsync(ITurnContext<IInvokeActivity> turnContext, CancellationToken cancellationToken)
    {
        if (turnContext.Activity.Name != "message/submitAction")
            return await base.OnInvokeActivityAsync(turnContext, cancellationToken).ConfigureAwait(false);
        var value = turnContext.Activity.Value is JObject o ? o : JObject.FromObject(turnContext.Activity.Value ?? new object());
        var action = value["actionValue"] as JObject;
        var reaction = action?["reaction"]?.ToString();
        if (value["actionName"]?.ToString() != "feedback" || reaction is null)
            return new InvokeResponse { Status = 400, Body = new { error = "expected actionName 'feedback' with actionValue.reaction" } };
        var comment = action!["feedback"]?.ToString();
        if (comment is not null && comment.StartsWith('{'))
        {
            try
            {
                comment = JObject.Parse(comment)["feedbackText"]?.ToString();
            }
            catch (Newtonsoft.Json.JsonException)
            {
                // Not the JSON Teams sends: keep the text as it is.
            }
        }
        var data = await _data.GetAsync(turnContext, () => new ConversationData(), cancellationToken).ConfigureAwait(false);
        var turn = data.Turns.LastOrDefault(t => t.ActivityId == turnContext.Activity.ReplyToId) ?? data.Turns.LastOrDefault();
        await review.AddFeedbackAsync(new FeedbackRecord(reaction, string.IsNullOrWhiteSpace(comment) ? null : comment, turn?.Question, turn?.Answer,
            DateTimeOffset.UtcNow, turnContext.Activity.Conversation?.Id ?? ""), cancellationToken).ConfigureAwait(false);
        AssistantTelemetry.RecordFeedback(reaction);
        return new InvokeResponse { Status = 200, Body = new { } };
    }

    /// <summary>The question without @mention markup, trimmed.</summary>
    internal static string QuestionText(IMessageActivity activity)
    {
        var text = activity is Activity a ? a.RemoveRecipientMention() ?? a.Text : activity.Text;
        return MentionMarkup().Replace(text ?? "", "").Trim();
    }
}
