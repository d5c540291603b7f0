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

    private static readonly Uri Host = new("https://assistant.contoso.com/");

    private static readonly ReplyContext Teams = new() { Surface = ReplySurface.Teams, Host = Host, LayerName = LayerName };

    private static readonly ReplyContext WebChat = new() { Surface = ReplySurface.WebChat, Host = Host, ReplyKey = "reply-7", LayerName = LayerName };

    private static string LayerName(string id) => id == "infrastructure" ? "Core infrastructure" : id;

    private static string Json(Microsoft.Bot.Schema.Activity activity)
    {
        activity.Id = null;
        return JObject.FromObject(activity, JsonSerializer.Create(new JsonSerializerSettings { NullValueHandling = NullValueHandling.Ignore })).ToString(Formatting.Indented) + "\n";
    }

    private static void AssertGolden(string actual, string name)
    {
        var path = Path.Combine(RepoPaths.Root, "tests", "Assistant.Tests", "Golden", name);
        if (Environment.GetEnvironmentVariable("UPDATE_GOLDEN") == "1")
            File.WriteAllText(path, actual);

        Assert.Equal(File.ReadAllText(path), actual);
    }

    [Fact]
    public void The_reply_activity_matches_its_golden_file()
    {
        var activity = AnswerActivityMapper.ToActivity(Sample() with { Terms = ["api-exclusive-to-azure"] }, Teams);

        AssertGolden(Json(activity), "teams-answer-activity.json");
    }

    [Fact]
    public void A_talking_point_check_is_an_adaptive_card_matching_its_golden_file()
    {
        var activity = AnswerActivityMapper.ToCheckActivity(Check(), Teams);

        AssertGolden(Json(activity), "teams-check-card-activity.json");
    }

    [Fact]
    public void The_check_card_has_the_verdict_a_row_per_layer_with_its_quote_and_the_rephrasing_and_keeps_a_text_fallback()
    {
        var check = Check();

        var activity = AnswerActivityMapper.ToCheckActivity(check, Teams);

        var attachment = Assert.Single(activity.Attachments);
        Assert.Equal("application/vnd.microsoft.card.adaptive", attachment.ContentType);
        var card = JObject.FromObject(attachment.Content);
        Assert.Equal("AdaptiveCard", (string?)card["type"]);
        var texts = card.Descendants().OfType<JProperty>().Where(p => p.Name == "text").Select(p => (string)p.Value!).ToList();
        Assert.Contains("“OpenAI's API runs only on Azure.”", card.Descendants().OfType<JObject>().Where(o => (string?)o["type"] == "TextRun").Select(o => (string)o["text"]!));
        Assert.Contains("Contradicted", texts);
        Assert.Contains("Core infrastructure", texts);
        Assert.Contains(texts, t => t.Contains(check.Citations[0].Quote, StringComparison.Ordinal));
        Assert.Contains(check.Rephrasing!, texts);
        Assert.Contains(check.Text, (string?)card["fallbackText"], StringComparison.Ordinal);
        Assert.Contains(check.Text, activity.Summary, StringComparison.Ordinal);
        Assert.Equal("https://assistant.contoso.com/terms#api-exclusive-to-azure", (string?)card["actions"]![0]!["url"]);
    }

    [Fact]
    public void Every_citation_carries_its_quote_title_date_and_section_for_the_pop_up()
    {
        var claims = (JArray)JObject.FromObject(AnswerActivityMapper.CitationEntity(Sample(), WebChat))["citation"]!;

        Assert.All(claims, c =>
        {
            var text = (string)c["appearance"]!["text"]!;
            Assert.Contains("2026-02-28", text, StringComparison.Ordinal);
            Assert.Contains("Countering Multi-Cloud Speculation", text, StringComparison.Ordinal);
        });
        Assert.StartsWith("> the underlying cloud infrastructure is exclusively Azure.", (string)claims[0]["appearance"]!["text"]!, StringComparison.Ordinal);
        Assert.Contains("**Clarification and reaffirmation of Microsoft partnership terms**", (string)claims[0]["appearance"]!["text"]!, StringComparison.Ordinal);
    }

    [Fact]
    public void In_web_chat_citations_open_their_pop_up_with_links_to_the_source_page_and_the_original_inside()
    {
        var activity = AnswerActivityMapper.ToActivity(Sample(), WebChat);

        var claims = (JArray)JObject.FromObject(activity.Entities[0])["citation"]!;
        Assert.All(claims, c => Assert.Null(c["appearance"]!["url"]));
        Assert.Contains("\n[1]: cite:1 ", activity.Text, StringComparison.Ordinal);
        Assert.Contains("\n[2]: cite:2 ", activity.Text, StringComparison.Ordinal);
        var first = (string)claims[0]["appearance"]!["text"]!;
        Assert.Contains("(https://assistant.contoso.com/sources/microsoft-openai-statement?quote=the%20underlying%20cloud%20infrastructure%20is%20exclusively%20Azure.#quote)", first, StringComparison.Ordinal);
        Assert.Contains("[Original at blogs.microsoft.com](https://blogs.microsoft.com/", (string)claims[1]["appearance"]!["text"]!, StringComparison.Ordinal);
    }

    [Fact]
    public void In_teams_a_citation_links_to_its_original_or_else_to_the_source_page()
    {
        var claims = (JArray)JObject.FromObject(AnswerActivityMapper.CitationEntity(Sample(), Teams))["citation"]!;

        Assert.StartsWith("https://assistant.contoso.com/sources/microsoft-openai-statement?quote=", (string?)claims[0]["appearance"]!["url"], StringComparison.Ordinal);
        Assert.StartsWith("https://blogs.microsoft.com/", (string?)claims[1]["appearance"]!["url"], StringComparison.Ordinal);
    }

    [Fact]
    public void Quotes_in_the_pop_up_are_shown_as_written_not_as_markdown()
    {
        Assert.Equal(@"A \*starred\* \[link\](javascript:x) \<b\>bold\</b\> \# not a heading", AnswerActivityMapper.EscapeMarkdown("A *starred* [link](javascript:x) <b>bold</b> # not a heading"));
        Assert.Equal(@"OpenAI\'s \""core\"" models \-\- Azure-hosted\.\.. \(c) 2026 (AI)", AnswerActivityMapper.EscapeMarkdown("OpenAI's \"core\" models -- Azure-hosted... (c) 2026 (AI)"));
        Assert.Equal(@"\- a dash first, \+\- and 1 + 1", AnswerActivityMapper.EscapeMarkdown("- a dash first, +- and 1 + 1"));
        Assert.Equal(@"2\. Expanded AWS Collaboration. Ends.", AnswerActivityMapper.EscapeMarkdown("2. Expanded AWS Collaboration. Ends."));
    }

    [Fact]
    public void Three_citations_of_one_document_have_distinct_reference_names()
    {
        var three = Sample() with
        {
            Citations =
            [
                Cite(1) with { Section = "Reaffirming the partnership > Exclusive Cloud Provider" },
                Cite(2) with { Section = "Reaffirming the partnership > Countering Multi-Cloud Speculation", Url = null },
                Cite(3, quote: "OpenAI leverages partnerships with AWS and others.") with { Section = "Reaffirming the partnership > Countering Multi-Cloud Speculation" },
            ],
        };

        var names = ((JArray)JObject.FromObject(AnswerActivityMapper.CitationEntity(three, WebChat))["citation"]!).Select(c => (string)c["appearance"]!["name"]!).ToList();

        Assert.Equal(3, names.Distinct().Count());
        Assert.All(names, n => Assert.True(n.Length <= AnswerActivityMapper.MaxNameLength, n));
        Assert.Contains("Exclusive Cloud Provider", names[0], StringComparison.Ordinal);
        Assert.Contains("OpenAI leverages", names[2], StringComparison.Ordinal);
    }

    [Fact]
    public void In_web_chat_an_answer_offers_like_and_dislike_naming_the_reply()
    {
        var entity = JObject.FromObject(AnswerActivityMapper.ToActivity(Sample(), WebChat).Entities[0]);

        var actions = (JArray)entity["potentialAction"]!;
        Assert.Equal(new[] { "LikeAction", "DislikeAction" }, actions.Select(a => (string)a["@type"]!));
        Assert.All(actions, a => Assert.Equal("reply-7", (string?)a["object"]!["@id"]));
        Assert.Null(JObject.FromObject(AnswerActivityMapper.ToActivity(Sample(), Teams).Entities[0])["potentialAction"]);
    }

    [Fact]
    public void An_answer_that_read_terms_links_to_how_they_changed_keeping_the_conversations_day()
    {
        var answer = Sample() with { Terms = ["api-exclusive-to-azure", "products-on-any-cloud"] };

        var text = AnswerActivityMapper.ToActivity(answer, WebChat with { AsOf = "2026-03-01" }).Text;

        Assert.Contains("How this changed: [api-exclusive-to-azure](https://assistant.contoso.com/terms?as_of=2026-03-01#api-exclusive-to-azure) · [products-on-any-cloud](", text, StringComparison.Ordinal);
        Assert.DoesNotContain("How this changed", AnswerActivityMapper.ToActivity(Sample(), WebChat).Text, StringComparison.Ordinal);
    }

    private static Answer Check() => new()
    {
        Question = "OpenAI's API runs only on Azure.",
        Text = "Contradicted by the sources.\n\nSince 27 April 2026: Under the amendment of 27 April 2026, OpenAI may now offer all of its products to customers on any cloud provider. [1]\n\nAs of 2026-05-01 (newest source used: 2026-04-27).",
        Verdict = Verdicts.Contradicted,
        Layers = ["infrastructure"],
        Findings = [new LayerFinding { Layer = "infrastructure", Verdict = Verdicts.Contradicted, Citations = [1] }],
        Rephrasing = "Per the sources: Under the amendment of 27 April 2026, OpenAI may now offer all of its products to customers on any cloud provider. [1]",
        Citations = [Cite(2, "Next phase amendment", "Under the amendment of 27 April 2026, OpenAI may now offer all of its products to customers on any cloud provider.") with { N = 1, Date = "2026-04-27", Section = null }],
        Terms = ["api-exclusive-to-azure"],
        FollowUps = ["Is the OpenAI API still exclusive to Azure?"],
    };

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
