using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Assistant.Answering;
using Assistant.Core;
using Assistant.Hosting;
using Microsoft.Bot.Builder;
using Microsoft.Bot.Builder.Teams;
using Microsoft.Bot.Schema;
using Microsoft.Extensions.Options;
using Newtonsoft.Json.Linq;

namespace Assistant.Bot.Bot;

/// <summary>A conversation's memory: its recent turns, its "as of" day and the answers feedback may refer to.</summary>
public sealed class ConversationData
{
    public List<StoredTurn> Turns { get; set; } = [];

    public string? AsOf { get; set; }

    public DateTimeOffset LastActive { get; set; }
}

/// <summary>One remembered turn: the engine's turn record, plus what feedback on the reply is filed against.</summary>
public sealed class StoredTurn
{
    public ConversationTurn Turn { get; set; } = new() { Question = "" };
    public string? ActivityId { get; set; }
    public string? Answer { get; set; }

    /// <summary>The key the reply's like and dislike actions carry in Web Chat (its activity id is not known when it is built).</summary>
    public string? ReplyKey { get; set; }
}

/// <summary>The assistant in Teams and Web Chat: questions, /commands, follow-ups, feedback.</summary>
public sealed partial class AssistantBot(IAnswerer answerer, ServedIndex served, IOptions<AssistantSettings> settings, LayerTaxonomy taxonomy,
    ConversationState state, ReviewLogWriter review, StorageHealth storage, Security.UserBudget budget, Security.RequestCaller caller, IConfiguration configuration,
    IHttpContextAccessor http, ILogger<AssistantBot> logger) : TeamsActivityHandler
{
    /// <summary>The event Web Chat sends when a like or dislike button under a reply is pressed.</summary>
    public const string WebChatFeedbackEvent = "webchat:activity-status/feedback";

    /// <summary>Longest a feedback invoke waits for its record to be written.</summary>
    private static readonly TimeSpan FeedbackWait = TimeSpan.FromSeconds(2);

    /// <summary>Least time between two interim updates of a streamed answer (Teams throttles faster ones).</summary>
    private readonly TimeSpan _streamInterval = TimeSpan.FromMilliseconds(configuration.GetValue("Bot:StreamIntervalMs", 1000));

    private static readonly string Help =
        "Ask me about the Microsoft–OpenAI partnership terms, for example \"Where can OpenAI's models run?\". Every answer cites its sources.\n\n"
        + string.Join('\n', ChatCommand.Help.Select(h => $"- **{h.Usage}**: {h.What}"));

    private readonly IStatePropertyAccessor<ConversationData> _data = state.CreateProperty<ConversationData>(nameof(ConversationData));

    [GeneratedRegex(@"<at>[^<]*</at>", RegexOptions.IgnoreCase)]
    private static partial Regex MentionMarkup();

    /// <summary>The part of <see cref="StorageHealth"/> that conversation state reports as.</summary>
    public const string StatePart = "conversation_state";

    public override async Task OnTurnAsync(ITurnContext turnContext, CancellationToken cancellationToken = default)
    {
        // The turn's log lines carry its channel and activity id beside the request's correlation id.
        using var scope = logger.BeginScope(new Dictionary<string, object?> { ["Channel"] = turnContext.Activity.ChannelId, ["ActivityId"] = turnContext.Activity.Id });
        await base.OnTurnAsync(turnContext, cancellationToken).ConfigureAwait(false);
        try
        {
            await state.SaveChangesAsync(turnContext, force: false, cancellationToken).ConfigureAwait(false);
            storage.Succeeded(StatePart);
        }
        catch (StateConflictException e)
        {
            // Another turn of this conversation (on this replica or another) saved first. The reply has gone out; only
            // this turn's change to the conversation's memory is dropped, rather than the other turn's.
            logger.LogWarning("Conversation state not saved: {Reason}", e.Message);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The reply has gone; only the memory of this turn (for follow-ups) is lost.
            if (storage.Failed(StatePart, e))
                logger.LogError("Conversation state cannot be saved ({Reason}); answering goes on without remembering turns until it can", e.Message);
        }
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
        var data = await ConversationAsync(turnContext, cancellationToken).ConfigureAwait(false);
        data.LastActive = DateTimeOffset.UtcNow;
        var command = ChatCommand.Parse(text);
        // Every channel id draws from its user's budget; what the endpoint already took (Direct Line) is not taken twice.
        var cost = command.Kind is ChatCommandKind.Ask or ChatCommandKind.Check ? budget.Cost(data.Turns.Sum(t => t.Turn.Question.Length)) : 1;
        if (budget.TryTake(caller.Key ?? "conversation:" + turnContext.Activity.Conversation?.Id, cost - caller.Precharged) is { } wait)
        {
            await turnContext.SendActivityAsync(MessageFactory.Text(
                $"You're asking faster than I can keep up with. Please wait {Math.Ceiling(wait.TotalSeconds):0} seconds and ask again."), cancellationToken).ConfigureAwait(false);
            return;
        }
        if (command.Kind is not (ChatCommandKind.Ask or ChatCommandKind.Check) || command.Problem is not null)
        {
            await turnContext.SendActivityAsync(MessageFactory.Text(CommandReply(data, command)), cancellationToken).ConfigureAwait(false);
            return;
        }
        if (!served.IsReady)
        {
            await turnContext.SendActivityAsync(MessageFactory.Text(served.Failure is null
                ? "I'm still building my index of the sources; please ask again in a few seconds."
                : "I can't answer right now: my sources could not be loaded. The team has been told."), cancellationToken).ConfigureAwait(false);
            return;
        }
        if (QuestionValidator.Problem(command.Text, settings.Value.MaxQuestionLength) is { } problem)
        {
            await turnContext.SendActivityAsync(MessageFactory.Text($"{problem} Could you shorten it?"), cancellationToken).ConfigureAwait(false);
            return;
        }

        var asOf = data.AsOf is { } day && Dates.TryParse(day, out var d) ? d : (DateOnly?)null;
        var request = new AskRequest(command.Text) { History = data.Turns.Select(t => t.Turn).ToList(), AsOf = asOf, IsTalkingPoint = command.Kind == ChatCommandKind.Check };
        var replyContext = Reply(turnContext.Activity, data);
        var (answer, turn, activity, sent) = answerer.Streams && CanStream(turnContext.Activity)
            ? await StreamAnswerAsync(turnContext, request, replyContext, cancellationToken).ConfigureAwait(false)
            : await SendAnswerAsync(turnContext, request, replyContext, cancellationToken).ConfigureAwait(false);
        data.Turns.Add(new StoredTurn { Turn = turn, ActivityId = sent?.Id ?? activity.Id, Answer = answer.Text, ReplyKey = replyContext.ReplyKey });
        KeepRecent(data.Turns);
        review.Question(turnContext.Activity.ChannelId ?? "bot", answer);
        logger.LogInformation("Answered in {Ms} ms: verdict {Verdict}, {Citations} citations, abstained {Abstained}", answer.LatencyMs, answer.Verdict, answer.Citations.Count, answer.Abstained);
    }

    /// <summary>What this turn's reply is for: the client (Teams or Web Chat), the host's address for links, a key for votes.</summary>
    private ReplyContext Reply(IActivity activity, ConversationData data) => new()
    {
        Surface = activity.ChannelId == Microsoft.Bot.Connector.Channels.Msteams ? ReplySurface.Teams : ReplySurface.WebChat,
        Host = http.HttpContext?.Request is { } r ? new Uri($"{r.Scheme}://{r.Host}{r.PathBase}/") : null,
        ReplyKey = Guid.NewGuid().ToString("N"),
        AsOf = data.AsOf,
        LayerName = taxonomy.NameOf,
    };

    /// <summary>A talking-point check becomes a card, any other answer a cited message.</summary>
    private static Activity Map(Answer answer, AskRequest request, ReplyContext reply) =>
        request.IsTalkingPoint ? AnswerActivityMapper.ToCheckActivity(answer, reply) : AnswerActivityMapper.ToActivity(answer, reply);

    private async Task<(Answer, ConversationTurn, Activity, ResourceResponse?)> SendAnswerAsync(ITurnContext turnContext, AskRequest request, ReplyContext reply, CancellationToken ct)
    {
        await turnContext.SendActivityAsync(new Activity { Type = ActivityTypes.Typing }, ct).ConfigureAwait(false);
        var (answer, turn) = await answerer.AnswerAsync(request, ct).ConfigureAwait(false);
        var activity = Map(answer, request, reply);
        return (answer, turn, activity, await turnContext.SendActivityAsync(activity, ct).ConfigureAwait(false));
    }

    /// <summary>Shows the answer as the model writes it (verified sentence by sentence), then the final cited message.</summary>
    private async Task<(Answer, ConversationTurn, Activity, ResourceResponse?)> StreamAnswerAsync(ITurnContext turnContext, AskRequest request, ReplyContext reply, CancellationToken ct)
    {
        var sequence = 1;
        var first = await turnContext.SendActivityAsync(AnswerActivityMapper.StreamUpdate("Searching the sources…", null, sequence, informative: true), ct).ConfigureAwait(false);
        var streamId = first?.Id;
        var last = DateTimeOffset.MinValue;
        Answer? answer = null;
        ConversationTurn? turn = null;
        await foreach (var update in answerer.StreamAsync(request, ct).ConfigureAwait(false))
        {
            if (update.Final is { } final)
            {
                answer = final;
                turn = update.Turn;
                continue;
            }
            if (streamId is null || update.TextSoFar is null || DateTimeOffset.UtcNow - last < _streamInterval)
                continue;
            last = DateTimeOffset.UtcNow;
            await turnContext.SendActivityAsync(AnswerActivityMapper.StreamUpdate(update.TextSoFar, streamId, ++sequence, informative: false), ct).ConfigureAwait(false);
        }
        var activity = Map(answer!, request, reply);
        if (streamId is not null)
            AnswerActivityMapper.EndStream(activity, streamId);
        return (answer!, turn!, activity, await turnContext.SendActivityAsync(activity, ct).ConfigureAwait(false));
    }

    /// <summary>Keeps the turns within Assistant__MaxHistoryTurns and Assistant__MaxHistoryCharacters, dropping the oldest.</summary>
    private void KeepRecent(List<StoredTurn> turns)
    {
        var (maxTurns, maxCharacters) = (settings.Value.MaxHistoryTurns, settings.Value.MaxHistoryCharacters);
        var characters = turns.Sum(t => t.Turn.Question.Length);
        var drop = 0;
        while (drop < turns.Count && (turns.Count - drop > maxTurns || characters > maxCharacters))
            characters -= turns[drop++].Turn.Question.Length;
        turns.RemoveRange(0, drop);
    }

    /// <summary>Teams streams in personal chats only; Web Chat through the host's Direct Line always can.</summary>
    private static bool CanStream(IActivity activity) =>
        activity.ChannelId == DirectLine.DirectLineEndpoints.ChannelId
        || (activity.ChannelId == Microsoft.Bot.Connector.Channels.Msteams && activity.Conversation?.ConversationType == "personal");

    /// <summary>The reply to a command (or to a command that cannot be used as typed); user input is never echoed as Markdown.</summary>
    private string CommandReply(ConversationData data, ChatCommand command)
    {
        if (command.Problem is not null)
            return command.Problem;
        switch (command.Kind)
        {
            case ChatCommandKind.Reset:
                data.Turns.Clear();
                data.AsOf = null;
                return "Done: I've forgotten this conversation.";
            case ChatCommandKind.AsOf when command.Day is { } day:
                data.AsOf = Dates.Iso(day);
                return $"I'll answer as the sources stood on {data.AsOf}.";
            case ChatCommandKind.AsOf:
                data.AsOf = null;
                return "I'll answer from all sources, as of today.";
            case ChatCommandKind.Sources:
                return Sources();
            case ChatCommandKind.Help or ChatCommandKind.Quit:
                return Help;
            default:
                return $"I don't know that command.\n\n{Help}";
        }
    }

    private string Sources()
    {
        if (!served.IsReady)
            return "I'm still loading my sources.";
        var sb = new StringBuilder("I answer from these sources:\n\n");
        foreach (var d in served.Current.Index.Documents)
            sb.Append(CultureInfo.InvariantCulture, $"- {Dates.Iso(d.Info.Date)} · {d.Info.Title} ({d.Info.Confidence.ToString().ToLowerInvariant()})\n");
        return sb.ToString();
    }

    protected override async Task OnMembersAddedAsync(IList<ChannelAccount> membersAdded, ITurnContext<IConversationUpdateActivity> turnContext, CancellationToken cancellationToken)
    {
        if (!membersAdded.Any(m => m.Id != turnContext.Activity.Recipient?.Id))
            return;
        var examples = taxonomy.Layers.Select(l => l.Questions.FirstOrDefault()).OfType<string>().Take(3).ToList();
        var welcome = MessageFactory.Text("Hi! I answer questions about the Microsoft–OpenAI partnership terms, with the sources and dates behind every sentence. Try one of these, or type /help.");
        welcome.SuggestedActions = new SuggestedActions { Actions = examples.Select(e => new CardAction(ActionTypes.ImBack, e, value: e)).ToList() };
        await turnContext.SendActivityAsync(welcome, cancellationToken).ConfigureAwait(false);
    }

    protected override async Task<InvokeResponse> OnInvokeActivityAsync(ITurnContext<IInvokeActivity> turnContext, CancellationToken cancellationToken)
    {
        if (turnContext.Activity.Name != "message/submitAction")
            return await base.OnInvokeActivityAsync(turnContext, cancellationToken).ConfigureAwait(false);
        // Feedback is written to storage: it draws from the sender's budget like a message.
        if (budget.TryTake(caller.Key ?? "conversation:" + turnContext.Activity.Conversation?.Id, 1 - caller.Precharged) is { } wait)
            return new InvokeResponse { Status = 429, Body = new { error = $"too many requests; retry in {Math.Ceiling(wait.TotalSeconds):0} s" } };
        // Anything but a JSON object (a string, an array) is not feedback.
        var value = turnContext.Activity.Value as JObject ?? [];
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
        var data = await ConversationAsync(turnContext, cancellationToken).ConfigureAwait(false);
        var turn = data.Turns.LastOrDefault(t => t.ActivityId == turnContext.Activity.ReplyToId) ?? data.Turns.LastOrDefault();
        // Written before the invoke is answered while storage works; acknowledged all the same when it does not.
        await review.FeedbackAsync(new FeedbackRecord(reaction, string.IsNullOrWhiteSpace(comment) ? null : comment, turn?.Turn.Question, turn?.Answer,
            DateTimeOffset.UtcNow, turnContext.Activity.Conversation?.Id ?? ""), FeedbackWait, cancellationToken).ConfigureAwait(false);
        AssistantTelemetry.RecordFeedback(reaction);
        return new InvokeResponse { Status = 200, Body = new { } };
    }

    /// <summary>A like or dislike pressed in Web Chat: stored in the review log like Teams feedback, with the question and answer it is about.</summary>
    protected override async Task OnEventAsync(ITurnContext<IEventActivity> turnContext, CancellationToken cancellationToken)
    {
        if (turnContext.Activity.Name != WebChatFeedbackEvent)
        {
            await base.OnEventAsync(turnContext, cancellationToken).ConfigureAwait(false);
            return;
        }
        // A vote is written to storage: it draws from the sender's budget like a message (past it, it is not stored).
        if (budget.TryTake(caller.Key ?? "conversation:" + turnContext.Activity.Conversation?.Id, 1 - caller.Precharged) is not null)
            return;
        var vote = turnContext.Activity.Entities?.Select(e => e.Properties).FirstOrDefault(p => p?["@type"]?.ToString() is "LikeAction" or "DislikeAction");
        if (vote is null)
            return;
        var reaction = vote["@type"]!.ToString() == "LikeAction" ? "like" : "dislike";
        var key = vote["object"]?["@id"]?.ToString();
        var data = await ConversationAsync(turnContext, cancellationToken).ConfigureAwait(false);
        var turn = key is null ? null : data.Turns.LastOrDefault(t => t.ReplyKey == key);
        await review.FeedbackAsync(new FeedbackRecord(reaction, null, turn?.Turn.Question, turn?.Answer,
            DateTimeOffset.UtcNow, turnContext.Activity.Conversation?.Id ?? ""), FeedbackWait, cancellationToken).ConfigureAwait(false);
        AssistantTelemetry.RecordFeedback(reaction);
        logger.LogInformation("Web Chat feedback: {Reaction} on {Found} reply", reaction, turn is null ? "an unknown" : "a known");
    }

    /// <summary>The conversation's memory, as an object whose changes are saved at the end of the turn.</summary>
    /// <remarks>Storage that keeps JSON (ours, Azure Blob) hands state back as a JObject that the accessor converts to a new
    /// object on every read; setting the object back makes this turn's changes the ones that are saved.</remarks>
    private async Task<ConversationData> ConversationAsync(ITurnContext turnContext, CancellationToken ct)
    {
        var data = await _data.GetAsync(turnContext, () => new ConversationData(), ct).ConfigureAwait(false);
        await _data.SetAsync(turnContext, data, ct).ConfigureAwait(false);
        return data;
    }

    /// <summary>The question without @mention markup, trimmed.</summary>
    internal static string QuestionText(IMessageActivity activity)
    {
        var text = activity is Activity a ? a.RemoveRecipientMention() ?? a.Text : activity.Text;
        return MentionMarkup().Replace(text ?? "", "").Trim();
    }
}
