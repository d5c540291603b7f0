using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Bot.Schema;

namespace Assistant.Bot.DirectLine;

/// <summary>The activities of one Direct Line conversation; the watermark is the count of activities seen.</summary>
public sealed class ConversationLog(string id)
{
    private readonly List<Activity> _activities = [];
    private readonly Lock _gate = new();

    public string Id { get; } = id;

    public DateTimeOffset LastActive { get; private set; } = DateTimeOffset.UtcNow;

    /// <summary>Stores an activity, giving it the id, timestamp and conversation that Web Chat expects.</summary>
    public Activity Append(Activity activity)
    {
        lock (_gate)
        {
            activity.Id = $"{Id}|{_activities.Count.ToString("D7", CultureInfo.InvariantCulture)}";
            activity.Timestamp ??= DateTimeOffset.UtcNow;
            activity.Conversation = new ConversationAccount(id: Id);
            _activities.Add(activity);
            LastActive = DateTimeOffset.UtcNow;
            return activity;
        }
    }

    public (IReadOnlyList<Activity> Activities, int Watermark) Since(int watermark)
    {
        lock (_gate)
        {
            LastActive = DateTimeOffset.UtcNow;
            var from = Math.Clamp(watermark, 0, _activities.Count);
            return (_activities.Skip(from).ToList(), _activities.Count);
        }
    }
}

/// <summary>Live Direct Line conversations, forgotten after a configurable idle time.</summary>
public sealed class DirectLineConversations(TimeSpan idle)
{
    private readonly ConcurrentDictionary<string, ConversationLog> _logs = new(StringComparer.Ordinal);

    public int Count => _logs.Count;

    public ConversationLog Start()
    {
        EvictIdle();
        var log = new ConversationLog(Guid.NewGuid().ToString("N"));
        _logs[log.Id] = log;
        return log;
    }

    public ConversationLog? Find(string id) => _logs.TryGetValue(id, out var log) ? log : null;

    public ConversationLog GetOrStart(string id) => _logs.GetOrAdd(id, i => new ConversationLog(i));

    public void EvictIdle()
    {
        var cutoff = DateTimeOffset.UtcNow - idle;
        foreach (var (id, log) in _logs)
        {
            if (log.LastActive < cutoff)
                _logs.TryRemove(id, out _);
        }
    }
}
