using Assistant.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Assistant.Retrieval.Qdrant;

/// <summary>Registers the Qdrant index store, bound from <c>Qdrant__*</c> and validated at start-up.</summary>
public static class QdrantRegistration
{
    public static IServiceCollection AddQdrantIndexStore(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedSettings<QdrantSettings>(configuration, QdrantSettings.Section, s => s.Validate());
        services.AddSingleton(sp => new QdrantIndexStore(sp.GetRequiredService<IOptions<QdrantSettings>>().Value, sp.GetService<ILoggerFactory>()));
        return services;
    }
}
