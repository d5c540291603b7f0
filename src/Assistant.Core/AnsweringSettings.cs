namespace Assistant.Core;

/// <summary>The engine's thresholds and weights in one place, bound from "Answering__*"; defaults calibrated on paraphrases
/// written for the purpose (tests/Assistant.Tests/Eval/paraphrases.jsonl), not on the graded sets.</summary>
public sealed class AnsweringSettings
{
    public const string Section = "Answering";

    /// <summary>Weight of the claim's embedding similarity to a term's closest wording.</summary>
    public double DenseWeight { get; set; } = 0.6;

    /// <summary>Weight of the share of the claim's words a term uses.</summary>
    public double LexicalWeight { get; set; } = 0.4;

    /// <summary>Weight of the parties and clouds the claim and a term share (minus those they do not).</summary>
    public double EntityWeight { get; set; } = 0.15;

    /// <summary>Words the corpus never uses count this share of the highest idf against a match.</summary>
    public double UnknownWordWeight { get; set; } = 0.15;

    /// <summary>Added to a term's score when a figure the claim names is one of the term's ("$135 billion").</summary>
    public double FigureWeight { get; set; } = 0.1;

    /// <summary>A term matched at least this well decides a verdict.</summary>
    public double MinTermScore { get; set; } = 0.62;

    /// <summary>Other terms within this margin of the best one are read too (a claim can span layers).</summary>
    public double TermMargin { get; set; } = 0.06;

    /// <summary>A term confirms a claim only when at most this share of the claim's weight is in words the term never uses.</summary>
    public double MaxUncoveredShare { get; set; } = 0.4;

    /// <summary>Below this share of the question's idf mass in the best sentence, passages alone do not cover a question.</summary>
    public double MinPassageCoverage { get; set; } = 0.45;

    /// <summary>How far below the best term another layer's best term may be and still be read (where something runs is
    /// decided layer by layer), and how far a close term giving the right figure or cloud may be.</summary>
    public double LayerMargin { get; set; } = 0.15;

    /// <summary>How far the best term must lead a close term of the same layer that says the opposite, for a verdict.</summary>
    public double ClearLead { get; set; } = 0.05;

    /// <summary>Words of a term's quotes count this share of its wordings' words (they hold the details, but mention other terms).</summary>
    public double QuoteShare { get; set; } = 0.6;

    /// <summary>Taken off a term whose parties the claim names in the opposite order ("Microsoft pays OpenAI" against "OpenAI pays Microsoft").</summary>
    public double ReversedPartiesPenalty { get; set; } = 0.08;

    /// <summary>Taken off terms on a layer the user stepped back from ("what else…") or on a commentary layer not asked about.</summary>
    public double AvoidedLayerPenalty { get; set; } = 0.3;

    /// <summary>How far above <see cref="MinTermScore"/> a match must be to outweigh a word or a name no source uses.</summary>
    public double StrongMatch { get; set; } = 0.25;

    /// <summary>A generated sentence is shown only when at least this share of its content words occurs in the sources it
    /// cites (synonyms count).</summary>
    public double SupportMinCoverage { get; set; } = 0.5;

    /// <summary>...and when its embedding is at least this similar to one sentence of them.</summary>
    public double SupportMinSimilarity { get; set; } = 0.85;

    /// <summary>A generated sentence is held against the terms only when one matches it this far above <see cref="MinTermScore"/>.</summary>
    public double SupportTermMargin { get; set; } = 0.05;

    /// <summary>Fills defaults and checks every value; the message names the setting.</summary>
    public AnsweringSettings Validate()
    {
        foreach (var (name, value) in new[] { ("DenseWeight", DenseWeight), ("LexicalWeight", LexicalWeight), ("EntityWeight", EntityWeight),
            ("UnknownWordWeight", UnknownWordWeight), ("MinTermScore", MinTermScore), ("TermMargin", TermMargin), ("MinPassageCoverage", MinPassageCoverage), ("MaxUncoveredShare", MaxUncoveredShare), ("FigureWeight", FigureWeight),
            ("LayerMargin", LayerMargin), ("ClearLead", ClearLead), ("QuoteShare", QuoteShare), ("ReversedPartiesPenalty", ReversedPartiesPenalty),
            ("AvoidedLayerPenalty", AvoidedLayerPenalty), ("StrongMatch", StrongMatch),
            ("SupportMinCoverage", SupportMinCoverage), ("SupportMinSimilarity", SupportMinSimilarity), ("SupportTermMargin", SupportTermMargin) })
        {
            if (value is < 0 or > 2 || double.IsNaN(value))
                throw new ArgumentException($"{Section}__{name} must be between 0 and 2, not {value}");
        }
        return this;
    }
}
