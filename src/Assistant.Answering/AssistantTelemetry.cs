using System.Diagnostics;
using System.Diagnostics.Metrics;
using Assistant.Core;

namespace Assistant.Answering;

/// <summary>The assistant's traces and metrics (System.Diagnostics), exported by whatever OpenTelemetry pipeline the host configures.</summary>
public static class AssistantTelemetry
{
    public const string Name = "Assistant";

    public static readonly ActivitySource Source = new(Name);

    private static readonly Meter Meter = new(Name);

    private static readonly Histogram<double> AnswerDuration = Meter.CreateHistogram<double>("assistant.answer.duration", "ms", "Time to answer a question, end to end");
    private static readonly Histogram<double> RetrievalDuration = Meter.CreateHistogram<double>("assistant.retrieval.duration", "ms", "Time to embed the question and search the index");
    private static readonly Counter<long> Answers = Meter.CreateCounter<long>("assistant.answers", "{answer}", "Answers given, by mode, verdict and whether the sources covered the question");
    private static readonly Counter<long> ModelFallbacks = Meter.CreateCounter<long>("assistant.model.fallbacks", "{answer}", "Generative answers replaced by the extractive one");
    private static readonly Counter<long> ModelTokens = Meter.CreateCounter<long>("assistant.model.tokens", "{token}", "Tokens used by the language model, by kind");
    private static readonly Counter<long> DroppedSentences = Meter.CreateCounter<long>("assistant.verifier.dropped", "{sentence}", "Sentences the model wrote that the verifier did not show, by reason");
    private static readonly Counter<long> Feedback = Meter.CreateCounter<long>("assistant.feedback", "{feedback}", "Feedback received, by reaction");

    public static void RecordRetrieval(double ms) => RetrievalDuration.Record(ms);

    public static void RecordAnswer(Answer answer, double ms)
    {
        var tags = new TagList { { "mode", answer.Mode }, { "verdict", answer.Verdict }, { "abstained", answer.Abstained } };
        AnswerDuration.Record(ms, tags);
        Answers.Add(1, tags);
        if (answer.Tokens is { } t)
        {
            ModelTokens.Add(t.Prompt, new TagList { { "kind", "prompt" } });
            ModelTokens.Add(t.Completion, new TagList { { "kind", "completion" } });
        }
        Activity.Current?.SetTag("assistant.mode", answer.Mode);
        Activity.Current?.SetTag("assistant.verdict", answer.Verdict);
        Activity.Current?.SetTag("assistant.abstained", answer.Abstained);
        Activity.Current?.SetTag("assistant.citations", answer.Citations.Count);
    }

    public static void RecordDroppedSentence(string reason) => DroppedSentences.Add(1, new TagList { { "reason", reason } });

    public static void RecordFallback(string reason) => ModelFallbacks.Add(1, new TagList { { "reason", reason } });

    public static void RecordFeedback(string reaction) => Feedback.Add(1, new TagList { { "reaction", reaction } });
}
