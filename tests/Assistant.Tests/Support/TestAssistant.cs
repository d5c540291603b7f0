using Assistant.Answering;
using Assistant.Core;
using Assistant.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Assistant.Tests.Support;

/// <summary>The assistant composed exactly as the hosts compose it (<see cref="AssistantRegistration.AddAssistant"/>), from
/// configuration keys given by the test, with its index opened (built first when missing).</summary>
public sealed class TestAssistant : IDisposable
{
    private readonly ServiceProvider _services;

    private TestAssistant(ServiceProvider services) => _services = services;

    public IServiceProvider Services => _services;

    public IAnswerer Answerer => _services.GetRequiredService<IAnswerer>();

    public IRetriever Retriever => _services.GetRequiredService<IRetriever>();

    public IndexView View => _services.GetRequiredService<ServedIndex>().Current;

    public LayerTaxonomy Taxonomy => _services.GetRequiredService<LayerTaxonomy>();

    public AssistantSettings Settings => _services.GetRequiredService<IOptions<AssistantSettings>>().Value;

    /// <summary>The path citations are relative to (the corpus folder's parent).</summary>
    public string Root => Path.GetDirectoryName(Settings.Corpus!)!;

    /// <summary>Composes the services from <paramref name="settings"/> (keys as in appsettings: "Assistant:Corpus", "AzureOpenAI:Endpoint"…) and opens the index.</summary>
    public static async Task<TestAssistant> StartAsync(IReadOnlyDictionary<string, string?> settings)
    {
        var assistant = Compose(settings);
        try
        {
            await assistant._services.GetRequiredService<IndexLifecycle>().StartAsync();
            return assistant;
        }
        catch
        {
            assistant.Dispose();
            throw;
        }
    }

    /// <summary>The composed services, nothing opened yet.</summary>
    public static TestAssistant Compose(IReadOnlyDictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddLogging().AddAssistant(configuration).AddReviewLog(configuration);
        return new TestAssistant(services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true }));
    }

    public static Task<TestAssistant> StartAsync(string corpus, string index, params (string Key, string? Value)[] more) =>
        StartAsync(more.Append(("Assistant:Corpus", corpus)).Append(("Assistant:Index", index)).ToDictionary(p => p.Item1, p => p.Item2));

    public async Task<Answer> AskAsync(string question, DateOnly? asOf = null, bool talkingPoint = false, params string[] history) =>
        (await Answerer.AnswerAsync(new AskRequest(question) { AsOf = asOf, IsTalkingPoint = talkingPoint, History = ConversationTurn.FromQuestions(history) })).Answer;

    public void Dispose() => _services.Dispose();
}
