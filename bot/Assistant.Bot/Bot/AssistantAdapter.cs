using Microsoft.Bot.Builder;
using Microsoft.Bot.Builder.Integration.AspNet.Core;
using Microsoft.Bot.Connector.Authentication;
using Microsoft.Bot.Schema;

namespace Assistant.Bot.Bot;

/// <summary>The Bot Framework CloudAdapter, plus an entry for activities that the host's own Direct Line endpoint has already authorised.</summary>
public sealed class AssistantAdapter(BotFrameworkAuthentication auth, ILogger<CloudAdapter> logger, string? appId) : CloudAdapter(auth, logger)
{
    /// <summary>Runs a turn for a Direct Line activity (its token was checked by the endpoint) and returns the replies.</summary>
    public async Task<IReadOnlyList<Activity>> ProcessDirectLineAsync(Activity activity, IBot bot, CancellationToken ct)
    {
        activity.DeliveryMode = DeliveryModes.ExpectReplies;
        var identity = CreateClaimsIdentity(appId ?? "");
        var request = new AuthenticateRequestResult
        {
            ClaimsIdentity = identity,
            ConnectorFactory = BotFrameworkAuthentication.CreateConnectorFactory(identity),
        };
        var response = await ProcessActivityAsync(request, activity, bot.OnTurnAsync, ct).ConfigureAwait(false);
        return response?.Body is ExpectedReplies expected ? [.. expected.Activities] : [];
    }
}
