using Assistant.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Assistant.Retrieval.Sqlite;

/// <summary>Registers the embedded index: one SQLite file at <c>Assistant__Index</c>.</summary>
public static class SqliteRegistration
{
    public static IServiceCollection AddSqliteIndexStore(this IServiceCollection services)
    {
        services.AddSingleton(sp => new SqliteIndexStore(sp.GetRequiredService<IOptions<AssistantSettings>>().Value.Index!));
        return services;
    }
}
