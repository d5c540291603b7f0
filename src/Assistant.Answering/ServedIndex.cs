using Assistant.Core;

namespace Assistant.Answering;

/// <summary>One open index version and the knowledge the engine derives from it (term statistics, matchers).</summary>
public sealed class IndexView(IPassageIndex index, AnswerKnowledge knowledge) : IDisposable
{
    public IPassageIndex Index { get; } = index;

    public AnswerKnowledge Knowledge { get; } = knowledge;

    public void Dispose() => Index.Dispose();
}

/// <summary>The index version answers are read from. The host opens (or builds) it at start and can swap in a new version;
/// an answer reads <see cref="Current"/> once, so it sees one whole version.</summary>
public sealed class ServedIndex : IDisposable
{
    private volatile IndexView? _current;
    private volatile string? _failure;

    /// <summary>The version being served; throws <see cref="IndexNotReadyException"/> while none is.</summary>
    public IndexView Current => _current ?? throw new IndexNotReadyException(_failure ?? "the index is still being built; retry in a few seconds");

    public bool IsReady => _current is not null;

    /// <summary>Why no index could be served, or null.</summary>
    public string? Failure => _failure;

    /// <summary>How long a replaced version stays open for the answers that are still reading it.</summary>
    public static readonly TimeSpan Grace = TimeSpan.FromSeconds(30);

    /// <summary>Serves <paramref name="view"/> from now on; the version it replaces is closed after <see cref="Grace"/>.</summary>
    public void Serve(IndexView view)
    {
        _failure = null;
        var old = Interlocked.Exchange(ref _current, view);
        if (old is not null && !ReferenceEquals(old, view))
            _ = Task.Delay(Grace).ContinueWith(_ => old.Dispose(), TaskScheduler.Default);
    }

    public void Fail(string reason) => _failure = reason;

    public void Dispose() => _current?.Dispose();
}

/// <summary>No index version is being served yet (it is being built) or it failed to open.</summary>
public sealed class IndexNotReadyException(string reason) : Exception(reason);
