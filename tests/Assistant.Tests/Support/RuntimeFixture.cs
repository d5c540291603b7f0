using Assistant.Answering;
using Assistant.Core;

namespace Assistant.Tests.Support;

/// <summary>The real assistant over the shipped corpus and the local ONNX model, with its index in a temp folder.</summary>
public sealed class RuntimeFixture : IAsyncLifetime
{
    private string? _dir;

    public AssistantRuntime Runtime { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _dir = Directory.CreateTempSubdirectory("assistant-runtime-").FullName;
        var settings = new AssistantSettings { Corpus = RepoPaths.Corpus, Index = Path.Combine(_dir, "index.db") };
        Runtime = await AssistantRuntime.StartAsync(settings);
    }

    public async Task<Answer> AskAsync(string question, string? asOf = null, bool talkingPoint = false, params string[] history)
    {
        var request = new AskRequest(question)
        {
            AsOf = asOf is null ? null : DateOnly.Parse(asOf, System.Globalization.CultureInfo.InvariantCulture),
            IsTalkingPoint = talkingPoint,
        };
        return await Runtime.Answerer.AnswerInConversationAsync(history, request);
    }

    public Task DisposeAsync()
    {
        Runtime.Dispose();
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
