using Assistant.Bot.Bot;
using Assistant.Core;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace Assistant.Tests.Bot;

[Trait("Category", "Unit")]
public sealed class AnswerActivityMapperTests
{
    private static Citation Cite(int n, string title = "Clarification and reaffirmation of Microsoft partnership terms", string quote = "the underlying cloud infrastructure is exclusively Azure.") => new()
    {
        N = n,
        DocId = "microsoft-openai-statement",
        Title = title,
        Path = "corpus/microsoft-openai-statement.md",
        Url = n == 2 ? "https://blogs.microsoft.com/blog/2026/04/27/the-next-phase-of-the-microsoft-openai-partnership/" : null,
        Date = "2026-02-28",
        Confidence = "primary",
        Section = "Countering Multi-Cloud Speculation",
        Layer = "infrastructure",
        Quote = quote,
        Passage = quote,
    };

    private static Answer Sample() => new()
    {
        Question = "Can OpenAI models run on AWS?",
        Text = "Partly: it depends on the layer.\n\n**Core infrastructure:** the underlying cloud infrastructure is exclusively Azure. [1]\n\n**Orchestration:** OpenAI may now offer all of its products to customers on any cloud provider. [2]",
        Verdict = Verdicts.Partly,
        Layers = ["infrastructure", "orchestration"],
        Citations =
        [
            Cite(1),
            Cite(2, "Next phase amendment — Azure exclusivity ends, OpenAI products on any cloud, with a title longer than eighty characters",
                "Under the amendment of 27 April 2026, OpenAI may now offer all of its products to customers on any cloud provider. Azure is no longer exclusive but remains OpenAI's primary cloud."),
        ],
        FollowUps = ["What runs on Amazon Bedrock?", "Is the OpenAI API still exclusive to Azure?"],
    };

    [Fact]
    public void The_reply_activity_matches_its_golden_file()
    {
        var activity = AnswerActivityMapper.ToActivity(Sample());
        activity.Id = null;
        var actual = JObject.FromObject(activity, JsonSerializer.Create(new JsonSerializerSettings { NullValueHandling = NullValueHandling.Ignore })).ToString(Formatting.Indented) + "\n";
        var path = Path.Combine(RepoPaths.Root, "tests", "Assistant.Tests", "Golden", "teams-answer-activity.json");
        if (Environment.GetEnvironmentVariable("UPDATE_GOLDEN") == "1")
            File.WriteAllText(path, actual);

        Assert.Equal(File.ReadAllText(path), actual);
    }

    [Fact]
    public void Citations_are_clipped_to_the_limits_of_teams()
    {
        var many = Sample() with { Citations = Enumerable.Range(1, 25).Select(n => Cite(n, new string('t', 200), new string('q', 400))).ToList() };

        var entity = JObject.FromObject(AnswerActivityMapper.CitationEntity(many));

        var claims = (JArray)entity["citation"]!;
        Assert.Equal(AnswerActivityMapper.MaxCitations, claims.Count);
        Assert.All(claims, c => Assert.True(((string)c["appearance"]!["name"]!).Length <= AnswerActivityMapper.MaxNameLength));
        Assert.All(claims, c => Assert.True(((string)c["appearance"]!["abstract"]!).Length <= AnswerActivityMapper.MaxAbstractLength));
        Assert.All(claims, c => Assert.True(c["appearance"]!["keywords"]!.Count() <= AnswerActivityMapper.MaxKeywords));
    }
}
