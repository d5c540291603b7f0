using System.Text;
using Newtonsoft.Json.Linq;

namespace Assistant.Tests.Bot;

/// <summary>Teams activities as the Bot Connector service posts them to /api/messages.</summary>
internal static class TeamsActivities
{
    public static JObject Message(string serviceUrl, string text, string conversationId = "a:1on1", string conversationType = "personal", JArray? entities = null) => new()
    {
        ["type"] = "message",
        ["id"] = Guid.NewGuid().ToString("N"),
        ["channelId"] = "msteams",
        ["serviceUrl"] = serviceUrl,
        ["text"] = text,
        ["from"] = new JObject { ["id"] = "29:user", ["name"] = "Sales Person", ["aadObjectId"] = "aad-1" },
        ["recipient"] = new JObject { ["id"] = "28:bot", ["name"] = "Assistant" },
        ["conversation"] = new JObject { ["id"] = conversationId, ["conversationType"] = conversationType, ["tenantId"] = "tenant" },
        ["channelData"] = new JObject { ["tenant"] = new JObject { ["id"] = "tenant" } },
        ["entities"] = entities ?? [],
    };

    /// <summary>The invoke Teams sends when someone gives feedback on an answer (thumbs and an optional comment).</summary>
    public static JObject Feedback(string serviceUrl, string conversationId, string reaction, string comment)
    {
        var invoke = Message(serviceUrl, "", conversationId);
        invoke["type"] = "invoke";
        invoke["name"] = "message/submitAction";
        invoke["value"] = new JObject
        {
            ["actionName"] = "feedback",
            ["actionValue"] = new JObject { ["reaction"] = reaction, ["feedback"] = new JObject { ["feedbackText"] = comment }.ToString(Newtonsoft.Json.Formatting.None) },
        };
        return invoke;
    }

    public static StringContent Body(JObject activity) => new(activity.ToString(), Encoding.UTF8, "application/json");
}
