using System.Collections;
using Microsoft.Bot.Builder;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace Assistant.Bot.Bot;

/// <summary>Where Bot Framework conversation state lives: an <see cref="IStorage"/> that can also forget idle conversations
/// and count them. Two adapters: <see cref="SqliteStore"/> (one host) and <see cref="BlobStateStore"/> (replicas), chosen by
/// <c>Storage__Provider</c>.</summary>
/// <remarks>Optimistic concurrency as Bot Framework's storages do it: an item read carries its <c>eTag</c>; writing it back
/// with that eTag fails with <see cref="StateConflictException"/> when the item changed meanwhile; no eTag or <c>"*"</c>
/// writes unconditionally; an eTag for an item that no longer exists writes it anew.</remarks>
public interface IBotStateStore : IStorage
{
    /// <summary>Where the state is, for messages.</summary>
    string Description { get; }

    /// <summary>Deletes the state of conversations not written for longer than <paramref name="idle"/>; returns how many.</summary>
    Task<int> EvictIdleAsync(TimeSpan idle, CancellationToken ct = default);

    /// <summary>How many conversations have stored state.</summary>
    Task<long> CountAsync(CancellationToken ct = default);
}

/// <summary>A state write carried an eTag, and the stored item has changed since it was read (another turn, on this replica or another, wrote it).</summary>
public sealed class StateConflictException(string key, Exception? inner = null)
    : Exception($"The state '{key}' was changed by another turn since it was read; this write was refused (eTag mismatch).", inner)
{
    public string Key { get; } = key;
}

/// <summary>How both stores turn state into JSON and back, and find the eTag a write carries.</summary>
internal static class StateJson
{
    public const string ETagProperty = "eTag";

    private static readonly JsonSerializer Serializer = JsonSerializer.Create(new JsonSerializerSettings
    {
        TypeNameHandling = TypeNameHandling.None,
        NullValueHandling = NullValueHandling.Ignore,
    });

    /// <summary>The item as stored: its JSON without the eTag (the store keeps that itself).</summary>
    public static string Serialize(object value)
    {
        var json = JObject.FromObject(value, Serializer);
        json.Remove(ETagProperty);
        return json.ToString(Formatting.None);
    }

    /// <summary>The item as read: its JSON with the store's eTag, which BotState keeps and hands back on the next write.</summary>
    public static JObject Deserialize(string json, string eTag)
    {
        var value = JObject.Parse(json);
        value[ETagProperty] = eTag;
        return value;
    }

    /// <summary>The eTag a write carries (an <see cref="IStoreItem"/>'s, or the "eTag" entry of a JSON object or of BotState's
    /// dictionary); null when it asks for an unconditional write.</summary>
    public static string? ETagOf(object? value)
    {
        var eTag = value switch
        {
            IStoreItem item => item.ETag,
            JObject json => json.Value<string>(ETagProperty) ?? json.Value<string>("ETag"),
            IDictionary<string, object> map => map.TryGetValue(ETagProperty, out var v) ? v?.ToString() : null,
            IDictionary map => map.Contains(ETagProperty) ? map[ETagProperty]?.ToString() : null,
            _ => null,
        };
        return string.IsNullOrEmpty(eTag) || eTag == "*" ? null : eTag;
    }
}
