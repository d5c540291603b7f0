using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Assistant.Core;

/// <summary>Registers the taxonomy and lexicon that live as data in the corpus folder (<c>Assistant__Corpus</c>).</summary>
public static class KnowledgeRegistration
{
    public static IServiceCollection AddDomainKnowledge(this IServiceCollection services)
    {
        services.AddSingleton(sp => DomainKnowledge.LoadTaxonomy(sp.GetRequiredService<IOptions<AssistantSettings>>().Value.Corpus!));
        services.AddSingleton(sp => DomainKnowledge.LoadLexicon(sp.GetRequiredService<IOptions<AssistantSettings>>().Value.Corpus!));
        services.AddSingleton(sp => new LayerTagger(sp.GetRequiredService<LayerTaxonomy>()));
        return services;
    }
}
