using System.CommandLine;
using Assistant.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Assistant.Cli;

/// <summary>The CLI's host: the same services and configuration keys as the bot (<see cref="AssistantRegistration.AddAssistant"/>),
/// with the global options layered over the environment and appsettings.json.</summary>
internal static class CliHost
{
    public static readonly Option<string?> CorpusOption = new("--corpus")
    {
        Description = "Corpus folder (default: the nearest 'corpus' folder upwards; Assistant__Corpus)",
        Recursive = true,
    };

    public static readonly Option<string?> IndexOption = new("--index")
    {
        Description = "SQLite index file (default: data/index.db beside the corpus; Assistant__Index)",
        Recursive = true,
    };

    public static readonly Option<string?> ModelOption = new("--embedding-model")
    {
        Description = "Local embedding model: arctic-xs (default) or minilm (Assistant__EmbeddingModel)",
        Recursive = true,
    };

    /// <summary>A host with the assistant's services; nothing is opened until a service is asked for.</summary>
    public static IHost Build(ParseResult pr, Action<IServiceCollection>? more = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            ContentRootPath = Directory.GetCurrentDirectory(),
            DisableDefaults = false,
        });
        var overrides = new Dictionary<string, string?>();
        if (pr.GetValue(CorpusOption) is { } corpus)
            overrides["Assistant:Corpus"] = corpus;
        if (pr.GetValue(IndexOption) is { } index)
            overrides["Assistant:Index"] = index;
        if (pr.GetValue(ModelOption) is { } model)
            overrides["Assistant:EmbeddingModel"] = model;
        builder.Configuration.AddInMemoryCollection(overrides);
        // Output is for people and scripts: warnings only, on stderr, so `--json` stays clean.
        builder.Logging.ClearProviders();
        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddAssistant(builder.Configuration);
        builder.Services.AddReviewLog(builder.Configuration);
        more?.Invoke(builder.Services);
        return builder.Build();
    }
}
