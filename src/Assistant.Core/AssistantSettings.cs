namespace Assistant.Core;

/// <summary>Where the corpus and index live and which embedding model to use; bound from "Assistant__*" settings.</summary>
public sealed class AssistantSettings
{
    public const string Section = "Assistant";

    /// <summary>The corpus folder; default: the nearest "corpus" folder from the working directory up.</summary>
    public string? Corpus { get; set; }

    /// <summary>The SQLite index file; default: data/index.db beside the corpus folder.</summary>
    public string? Index { get; set; }

    /// <summary>The prompt templates of the generative mode; default: the "prompts" folder beside the corpus folder.</summary>
    public string? Prompts { get; set; }

    /// <summary>Local embedding model: arctic-xs (default) or minilm.</summary>
    public string EmbeddingModel { get; set; } = "arctic-xs";

    /// <summary>Longest question accepted, in characters.</summary>
    public int MaxQuestionLength { get; set; } = 2000;

    /// <summary>Most earlier turns a follow-up may carry (the API's "history", the bot's remembered turns).</summary>
    public int MaxHistoryTurns { get; set; } = 10;

    /// <summary>Most characters those earlier turns may hold together; the oldest go first.</summary>
    public int MaxHistoryCharacters { get; set; } = 6000;

    public static readonly IReadOnlyList<string> EmbeddingModels = ["arctic-xs", "minilm"];


    /// <summary>Fills defaults and checks every value; the message names the setting.</summary>
    public AssistantSettings Validate()
    {
        Corpus = Path.GetFullPath(Corpus ?? FindCorpus() ?? throw new ArgumentException(
            $"No corpus folder found from {Directory.GetCurrentDirectory()} upwards; pass --corpus DIR or set {Section}__Corpus."));
        if (!Directory.Exists(Corpus))
            throw new ArgumentException($"{Section}__Corpus: folder not found: {Corpus}");
        Index = Path.GetFullPath(Index ?? Path.Combine(Path.GetDirectoryName(Corpus)!, "data", "index.db"));
        Prompts = Path.GetFullPath(Prompts ?? Path.Combine(Path.GetDirectoryName(Corpus)!, "prompts"));
        if (!EmbeddingModels.Contains(EmbeddingModel))
            throw new ArgumentException($"{Section}__EmbeddingModel: '{EmbeddingModel}' is not one of {string.Join(", ", EmbeddingModels)}");
        if (MaxQuestionLength is < 10 or > 100_000)
            throw new ArgumentException($"{Section}__MaxQuestionLength must be between 10 and 100000, not {MaxQuestionLength}");
        if (MaxHistoryTurns is < 0 or > 100)
            throw new ArgumentException($"{Section}__MaxHistoryTurns must be between 0 and 100, not {MaxHistoryTurns}");
        if (MaxHistoryCharacters is < 0 or > 1_000_000)
            throw new ArgumentException($"{Section}__MaxHistoryCharacters must be between 0 and 1000000, not {MaxHistoryCharacters}");
        return this;
    }

    private static string? FindCorpus()
    {
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "corpus");
            if (File.Exists(Path.Combine(candidate, DomainKnowledge.LayersFile)))
                return candidate;
        }
        return null;
    }
}
