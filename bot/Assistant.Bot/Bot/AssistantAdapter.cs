using Microsoft.Bot.Builder;
using Microsoft.Bot.Builder.Integration.AspNet.Core;
using Microsoft.Bot.Connector.Authentication;
using Microsoft.Bot.Schema;

namespace Assistant.Bot.Bot;

/// <summary>The Bot Framework CloudAdapter, plus an entry for activities that the host's own Direct Line endpoint has already authorised.</summary>
public sealed class AssistantAdapter(BotFrameworkAuthentication auth, ILogger<CloudAdapter> logger, string? appId) : CloudAdapter(auth, logger)
{
    /// <summary>Runs a turn for a Direct Line activity (its token was checked by the endpoint), handing each reply to
    /// <paramref name="deliver"/> as the bot sends it, so that streamed answers reach the conversation progressively.</summary>
    public async Task ProcessDirectLineAsync(Activity activity, IBot bot, Action<Activity> deliver, CancellationToken ct)
    {
        activity.DeliveryMode = DeliveryModes.ExpectReplies;
        var identity = CreateClaimsIdentity(appId ?? "");
        var request = new AuthenticateRequestResult
        {
            ClaimsIdentity = identity,
            ConnectorFactory = BotFrameworkAuthentication.CreateConnectorFactory(identity),
        };
        var response = await ProcessActivityAsync(request, activity, (turn, token) =>
        {
            turn.OnSendActivities((_, activities, _) =>
            {
                foreach (var a in activities)
                {
                    a.Id ??= Guid.NewGuid().ToString("N");
                    deliver(a);
                }
                return Task.FromResult(activities.Select(a => new ResourceResponse(a.Id)).ToArray());
            });
            return bot.OnTurnAsync(turn, token);
        }, ct).ConfigureAwait(false);
        // Anything that bypassed the send pipeline still arrives, after the turn.
        foreach (var reply in response?.Body is ExpectedReplies expected ? expected.Activities : [])
            deliver(reply);
    }
}
