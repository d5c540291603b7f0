using Assistant.Bot.DirectLine;
using Assistant.Hosting;
using Microsoft.Extensions.Options;

namespace Assistant.Bot.Hosting;

/// <summary>Running several replicas of the host: the index refresh, and what <c>Hosting__Replicas</c> above 1 requires of the
/// rest of the configuration, checked at start-up.</summary>
public static class Replicas
{
    public static IServiceCollection AddReplicas(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddIndexRefresh(configuration);
        services.AddSingleton<IValidateOptions<HostingSettings>, ReplicaRules>();
        return services;
    }

    /// <summary>With more than one replica, state must be shared and every replica must accept the others' Direct Line tokens.</summary>
    /// <remarks>The embedded Direct Line keeps each conversation's activities in one process's memory, so even with a shared
    /// key it needs session affinity; Azure Bot Service's Direct Line is the path for Web Chat across replicas (README).</remarks>
    private sealed class ReplicaRules(DirectLineOptions directLine, IOptions<StorageSettings> storage) : IValidateOptions<HostingSettings>
    {
        public ValidateOptionsResult Validate(string? name, HostingSettings options)
        {
            if (options.Replicas <= 1)
                return ValidateOptionsResult.Success;
            var failures = new List<string>();
            if (string.IsNullOrEmpty(directLine.TokenSecret))
                failures.Add($"{DirectLineOptions.Section}__TokenSecret is required when {HostingSettings.Section}__Replicas is {options.Replicas}: "
                    + "every replica must sign Direct Line tokens with the same key (each would otherwise generate its own, and a token issued by one gets 403 from another)");
            if (!storage.Value.IsAzure)
                failures.Add($"{StorageSettings.Section}__Provider must be '{StorageSettings.Azure}' when {HostingSettings.Section}__Replicas is {options.Replicas}: "
                    + $"with '{storage.Value.Provider}' each replica keeps its own conversation state and review log in its own bot.db");
            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }
    }
}
