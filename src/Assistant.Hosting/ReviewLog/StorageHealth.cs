namespace Assistant.Hosting;

/// <summary>Whether the host's own storage is taking writes, per part (the review log, conversation state); <c>/readyz</c> reports it.</summary>
/// <remarks>A part is failing from its first failed write until its next successful one. Answers never wait for storage: a failing
/// part makes the host degraded (it still answers), not unready.</remarks>
public sealed class StorageHealth
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (string Error, DateTimeOffset Since)> _failing = new(StringComparer.Ordinal);

    /// <summary>The parts failing now, with the last error and since when.</summary>
    public IReadOnlyDictionary<string, (string Error, DateTimeOffset Since)> Failing
    {
        get
        {
            lock (_gate)
                return new Dictionary<string, (string, DateTimeOffset)>(_failing);
        }
    }

    public bool IsHealthy
    {
        get
        {
            lock (_gate)
                return _failing.Count == 0;
        }
    }

    public void Succeeded(string part)
    {
        lock (_gate)
            _failing.Remove(part);
    }

    /// <summary>Records a failed write; true when the part was working until now (so that the caller logs the change once).</summary>
    public bool Failed(string part, Exception e)
    {
        lock (_gate)
        {
            var first = !_failing.TryGetValue(part, out var previous);
            _failing[part] = (e.Message, first ? DateTimeOffset.UtcNow : previous.Since);
            return first;
        }
    }
}
