using Assistant.Core;

namespace Assistant.Tests.Support;

/// <summary>The real assistant over the shipped corpus and the local ONNX model, with its index in a temp folder.</summary>
public sealed class RuntimeFixture : IAsyncLifetime
{
    private string? _dir;

    public TestAssistant Assistant { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _dir = Directory.CreateTempSubdirectory("assistant-runtime-").FullName;
        Assistant = await TestAssistant.StartAsync(RepoPaths.Corpus, Path.Combine(_dir, "index.db"));
    }

    public Task<Answer> AskAsync(string question, string? asOf = null, bool talkingPoint = false, params string[] history) =>
        Assistant.AskAsync(question, asOf is null ? null : Dates.Parse(asOf, "as_of"), talkingPoint, history);

    public Task DisposeAsync()
    {
        Assistant?.Dispose();
        if (_dir is not null)
            Directory.Delete(_dir, recursive: true);
        return Task.CompletedTask;
    }
}

[CollectionDefinition(Name)]
public sealed class RuntimeCollection : ICollectionFixture<RuntimeFixture>
{
    public const string Name = "runtime";
}
