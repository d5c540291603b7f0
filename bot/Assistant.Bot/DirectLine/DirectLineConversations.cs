using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Microsoft.Bot.Schema;
using Newtonsoft.Json;

namespace Assistant.Bot.DirectLine;

/// <summary>
/// The activities of one Direct Line conversation; the watermark is the count of activities seen. Past
/// <see cref="DirectLineOptions.MaxActivitiesPerConversation"/> activities or <see cref="DirectLineOptions.MaxConversationBytes"/>
/// bytes the oldest are forgotten (watermarks keep counting), so neither memory nor a poll grows without bound.
/// </summary>
public sealed class ConversationLog(string id, string client, DirectLineOptions options)
{
    private readonly List<(Activity Activity, int Bytes)> _activities = [];
    private readonly Lock _gate = new();
    private int _forgotten;
    private long _bytes;

    public string Id { get; } = id;

    /// <summary>The client (address) that started it, for the per-client cap.</summary>
    public string Client { get; } = client;

    public DateTimeOffset LastActive { get; private set; } = DateTimeOffset.UtcNow;

    /// <summary>Bytes held (the activities as JSON, as a poll returns them).</summary>
    public long Bytes
    {
        get
        {
            lock (_gate)
                return _bytes;
        }
    }

    /// <summary>Stores an activity, giving it the id, timestamp and conversation that Web Chat expects.</summary>
    public Activity Append(Activity activity)
    {
        lock (_gate)
        {
            activity.Id = $"{Id}|{(_forgotten + _activities.Count).ToString("D7", CultureInfo.InvariantCulture)}";
            activity.Timestamp ??= DateTimeOffset.UtcNow;
            activity.Conversation = new ConversationAccount(id: Id);
            var bytes = Encoding.UTF8.GetByteCount(JsonConvert.SerializeObject(activity, DirectLineEndpoints.Json));
            _activities.Add((activity, bytes));
            _bytes += bytes;
            var drop = 0;
            while (_activities.Count - drop > 1
                && (_activities.Count - drop > options.MaxActivitiesPerConversation || _bytes > options.MaxConversationBytes))
            {
                _bytes -= _activities[drop].Bytes;
                drop++;
            }
            _activities.RemoveRange(0, drop);
            _forgotten += drop;
            LastActive = DateTimeOffset.UtcNow;
            return activity;
        }
    }

    public (IReadOnlyList<Activity> Activities, int Watermark) Since(int watermark)
    {
        lock (_gate)
        {
            LastActive = DateTimeOffset.UtcNow;
            var from = Math.Clamp(watermark - _forgotten, 0, _activities.Count);
            return (_activities.Skip(from).Select(a => a.Activity).ToList(), _forgotten + _activities.Count);
        }
    }
}

/// <summary>Live Direct Line conversations, forgotten after a configurable idle time; a client past its cap (or the host past
/// its total) has its least recently active conversation forgotten to make room.</summary>
public sealed class DirectLineConversations(TimeSpan idle, DirectLineOptions options)
{
    private readonly ConcurrentDictionary<string, ConversationLog> _logs = new(StringComparer.Ordinal);
    private readonly Lock _starting = new();

    /// <summary>Conversations ever forgotten to keep within the caps (not counting idle ones).</summary>
    private long _displaced;

    public int Count => _logs.Count;

    public long Displaced => Interlocked.Read(ref _displaced);

    public ConversationLog Start(string client) => Add(Guid.NewGuid().ToString("N"), client);

    public ConversationLog? Find(string id) => _logs.TryGetValue(id, out var log) ? log : null;

    /// <summary>The conversation a token names, started again (empty) when the host has forgotten it.</summary>
    public ConversationLog GetOrStart(string id, string client) => Find(id) ?? Add(id, client);

    public void EvictIdle()
    {
        var cutoff = DateTimeOffset.UtcNow - idle;
        foreach (var (id, log) in _logs)
        {
            if (log.LastActive < cutoff)
                _logs.TryRemove(id, out _);
        }
    }

    private ConversationLog Add(string id, string client)
    {
        EvictIdle();
        // One start at a time, so that two concurrent starts cannot both pass a cap.
        lock (_starting)
        {
            if (options.MaxConversationsPerClient > 0)
                MakeRoom(_logs.Values.Where(l => l.Client == client).ToList(), options.MaxConversationsPerClient);
            MakeRoom(_logs.Values.ToList(), options.MaxConversations);
            return _logs.GetOrAdd(id, i => new ConversationLog(i, client, options));
        }
    }

    private void MakeRoom(List<ConversationLog> logs, int cap)
    {
        foreach (var stale in logs.OrderBy(l => l.LastActive).Take(logs.Count - cap + 1))
        {
            if (_logs.TryRemove(stale.Id, out _))
                Interlocked.Increment(ref _displaced);
        }
    }
}
