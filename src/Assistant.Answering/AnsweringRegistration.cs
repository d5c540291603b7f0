using Assistant.Core;
using Microsoft.Extensions.DependencyInjection;

namespace Assistant.Answering;

/// <summary>Registers the engine: the served index, the hybrid retriever, the rule-based follow-up resolver and the
/// extractive answerer. It needs an index store, an embedder and the domain knowledge registered beside it.</summary>
public static class AnsweringRegistration
{
    public static IServiceCollection AddAnswering(this IServiceCollection services)
    {
        services.AddSingleton<ServedIndex>();
        services.AddSingleton<IRetriever, HybridRetriever>();
        services.AddSingleton(sp => new RuleBasedFollowUpResolver(sp.GetRequiredService<LayerTaxonomy>()));
        services.AddSingleton<IFollowUpResolver>(sp => sp.GetRequiredService<RuleBasedFollowUpResolver>());
        services.AddSingleton<ExtractiveAnswerer>();
        services.AddSingleton<IAnswerer>(sp => sp.GetRequiredService<ExtractiveAnswerer>());
        return services;
    }
}
