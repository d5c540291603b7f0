using Assistant.Answering;
using Assistant.Core;
using Assistant.Hosting.AzureOpenAI;
using Assistant.Ingestion;
using Assistant.Retrieval.Qdrant;
using Assistant.Retrieval.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Assistant.Hosting;

/// <summary>The one way in: every host (the bot, the CLI, the tests) composes the assistant from the same configuration keys.</summary>
public static class AssistantRegistration
{
    /// <summary>
    /// Settings (<c>Assistant__*</c>, <c>Index__*</c>, <c>Qdrant__*</c>, <c>AzureOpenAI__*</c>, <c>Answering__*</c>, validated at start-up with a
    /// message naming the key), the domain knowledge, both index stores with the configured one as <see cref="IIndexStore"/>,
    /// the embedder (local ONNX, or the Azure OpenAI deployment), ingestion, the engine, and — when a chat deployment is
    /// configured — the generative answerer in place of the extractive one.
    /// </summary>
    public static IServiceCollection AddAssistant(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedSettings<AssistantSettings>(configuration, AssistantSettings.Section, s => s.Validate());
        services.AddValidatedSettings<IndexSettings>(configuration, IndexSettings.Section, s => s.Validate());
        services.AddValidatedSettings<AzureOpenAISettings>(configuration, AzureOpenAISettings.Section, s => s.Validate());
        services.AddValidatedSettings<AnsweringSettings>(configuration, AnsweringSettings.Section, s => s.Validate());
        services.AddDomainKnowledge();

        services.AddSqliteIndexStore();
        services.AddQdrantIndexStore(configuration);
        services.AddSingleton<IIndexStore>(sp => sp.GetRequiredService<IOptions<IndexSettings>>().Value.Provider == IndexSettings.Qdrant
            ? sp.GetRequiredService<QdrantIndexStore>()
            : sp.GetRequiredService<SqliteIndexStore>());

        // Which connector is wired is decided here, from the configuration as written; its values are validated at start-up.
        var openAI = configuration.GetSection(AzureOpenAISettings.Section).Get<AzureOpenAISettings>() ?? new AzureOpenAISettings();
        if (openAI.EmbeddingsEnabled || openAI.GenerativeEnabled)
            services.AddAzureOpenAIConnector();
        if (openAI.EmbeddingsEnabled)
            services.AddAzureOpenAIEmbeddings();
        else
            services.AddLocalEmbeddings();

        services.AddIngestion();
        services.AddAnswering();
        if (openAI.GenerativeEnabled)
            services.AddGenerativeAnswering();
        services.AddSingleton<IndexLifecycle>();
        return services;
    }

    /// <summary>
    /// The review log (questions asked, feedback) where <c>Storage__Provider</c> says: the host's SQLite file (bot.db beside the
    /// index) or an Azure table shared by replicas. Registers the validated <see cref="StorageSettings"/> the bot's conversation
    /// state uses too.
    /// </summary>
    public static IServiceCollection AddReviewLog(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedSettings<StorageSettings>(configuration, StorageSettings.Section, s => s.Validate());
        services.AddSingleton<IReviewLog>(sp =>
        {
            var storage = sp.GetRequiredService<IOptions<StorageSettings>>().Value;
            return storage.IsAzure
                ? new TableReviewLog(AzureStorageClients.ReviewTable(storage))
                : new SqliteReviewLog(DurableSqlite.DefaultPath(sp.GetRequiredService<IOptions<AssistantSettings>>().Value));
        });
        return services;
    }

    /// <summary>Replica settings (<c>Hosting__*</c>) and the background check that serves an index version built elsewhere
    /// (by another replica or <c>assistant ingest</c>) every <c>Hosting__IndexRefreshSeconds</c>.</summary>
    public static IServiceCollection AddIndexRefresh(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedSettings<HostingSettings>(configuration, HostingSettings.Section, s => s.Validate());
        services.AddHostedService<IndexRefresh>();
        return services;
    }

    /// <summary>The review log written off the answer path (a bounded queue drained in the background), and the storage health it reports.</summary>
    public static IServiceCollection AddReviewLogWriter(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddReviewLog(configuration);
        services.AddSingleton<StorageHealth>();
        services.AddSingleton<ReviewLogWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<ReviewLogWriter>());
        return services;
    }
}
