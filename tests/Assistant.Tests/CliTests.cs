using System.Text.Json;
using Assistant.Cli;

namespace Assistant.Tests;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class CliCollection
{
    public const string Name = "cli";
}

[Trait("Category", "Integration")]
[Collection(CliCollection.Name)]
public sealed class CliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("assistant-cli-").FullName;

    private string IndexPath => Path.Combine(_dir, "index.db");

    private async Task<(int Exit, string Out, string Err)> Run(params string[] args)
    {
        var (stdout, stderr) = (Console.Out, Console.Error);
        using var o = new StringWriter();
        using var e = new StringWriter();
        Console.SetOut(o);
        Console.SetError(e);
        try
        {
            var all = args.Concat(["--corpus", RepoPaths.Corpus, "--index", IndexPath]).ToArray();
            var exit = await CliApp.Build().Parse(all).InvokeAsync();
            return (exit, o.ToString(), e.ToString());
        }
        finally
        {
            Console.SetOut(stdout);
            Console.SetError(stderr);
        }
    }

    [Fact]
    public async Task Ask_builds_the_index_on_first_use_and_prints_contract_json()
    {
        var (exit, output, _) = await Run("ask", "Who invested in OpenAI's funding round?", "--json", "--as-of", "2026-03-01");

        Assert.Equal(0, exit);
        Assert.True(File.Exists(IndexPath));
        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;
        foreach (var field in new[] { "question", "answer", "verdict", "abstained", "mode", "layers", "citations", "follow_ups", "latency_ms" })
            Assert.True(root.TryGetProperty(field, out _), field);
        Assert.Equal("extractive", root.GetProperty("mode").GetString());
        var citation = root.GetProperty("citations")[0];
        foreach (var field in new[] { "n", "doc_id", "title", "path", "url", "date", "section", "layer", "quote", "passage" })
            Assert.True(citation.TryGetProperty(field, out _), field);
    }

    [Fact]
    public async Task Eval_verifier_prints_the_shares_kept_and_dropped_and_names_a_quote_it_cannot_find()
    {
        var set = Path.Combine(_dir, "sentences.jsonl");
        await File.WriteAllLinesAsync(set, File.ReadLines(Path.Combine(RepoPaths.Root, "tests", "Assistant.Tests", "Verifier", "sentences.jsonl")).Take(12));

        var (exit, output, _) = await Run("eval-verifier", "--set", set, "--json");

        Assert.Equal(0, exit);
        using var json = JsonDocument.Parse(output);
        Assert.Equal(12, json.RootElement.GetProperty("items").GetInt32());
        Assert.InRange(json.RootElement.GetProperty("faithful_kept").GetDouble(), 0.5, 1);

        await File.WriteAllTextAsync(set, """{"id":"bad","sources":[{"doc":"2025-11-03-aws-38b-compute","quote":"A sentence no document has."}],"text":"t","cites":[1],"kind":"copied","keep":true}""");
        var (failed, _, error) = await Run("eval-verifier", "--set", set);
        Assert.NotEqual(0, failed);
        Assert.Contains("item bad: no indexed passage of '2025-11-03-aws-38b-compute'", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Terms_html_writes_a_self_contained_timeline_with_every_layers_lane()
    {
        var file = Path.Combine(_dir, "terms.html");

        var (exit, output, _) = await Run("terms", "--html", file);

        Assert.Equal(0, exit);
        Assert.Contains($"terms drawn to {file}", output, StringComparison.Ordinal);
        var html = await File.ReadAllTextAsync(file);
        foreach (var layer in Assistant.Core.LayerTaxonomy.Ids)
            Assert.Contains($"data-layer=\"{layer}\"", html, StringComparison.Ordinal);
        Assert.Contains("<svg class=\"tl\"", html, StringComparison.Ordinal);
        Assert.Contains("<article class=\"tl-card\" id=\"api-exclusive-to-azure\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_with_a_file_writes_a_report_with_a_summary_table()
    {
        var points = Path.Combine(_dir, "points.txt");
        File.WriteAllLines(points, ["# talking points", "OpenAI's core models are hosted only on Microsoft Azure.", "", "- Amazon put roughly $50 billion into OpenAI's funding round."]);
        var report = Path.Combine(_dir, "report.md");

        var (exit, _, _) = await Run("check", "--file", points, "--report", report, "--as-of", "2026-03-01");

        Assert.Equal(0, exit);
        var text = File.ReadAllText(report);
        Assert.Contains("| verdict | count |", text, StringComparison.Ordinal);
        Assert.Contains("| supported | 2 |", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_html_check_report_draws_the_terms_the_points_read()
    {
        var points = Path.Combine(_dir, "points.txt");
        File.WriteAllLines(points, ["OpenAI's core models are hosted only on Microsoft Azure."]);
        var report = Path.Combine(_dir, "report.html");

        var (exit, _, _) = await Run("check", "--file", points, "--report", report, "--as-of", "2026-03-01");

        Assert.Equal(0, exit);
        var html = File.ReadAllText(report);
        Assert.Contains("How the terms these points read changed", html, StringComparison.Ordinal);
        Assert.Contains("<svg class=\"tl\"", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ask", "Can OpenAI run on AWS?", "--as-of", "March 1st", "not a date of the form YYYY-MM-DD")]
    [InlineData("ask", "   ", "", "", "The question is empty")]
    [InlineData("check", "--report", "out.pdf", "x", "must end in .html or .md")]
    public async Task Bad_input_exits_non_zero_with_a_message_naming_it(string command, string a, string b, string c, string message)
    {
        var args = new[] { command, a, b, c }.Where(s => s.Length > 0).ToArray();

        var (exit, _, err) = await Run(args);

        Assert.Equal(1, exit);
        Assert.Contains(message, err.Replace("\n", " ", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_oversized_question_is_refused_with_the_limit()
    {
        var (exit, _, err) = await Run("ask", new string('a', 2500));

        Assert.Equal(1, exit);
        Assert.Contains("the limit is 2000", err.Replace("\n", " ", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}

[Trait("Category", "Unit")]
public sealed class TeamsPackageTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("assistant-teams-").FullName;

    [Fact]
    public void The_package_holds_the_manifest_with_the_app_id_and_both_icons()
    {
        var zipPath = Path.Combine(_dir, "app.zip");

        TeamsPackage.Write(Path.Combine(RepoPaths.Root, "bot", "teams"), "11111111-2222-3333-4444-555555555555", zipPath);

        using var zip = System.IO.Compression.ZipFile.OpenRead(zipPath);
        Assert.Equal(TeamsPackage.Files.Order(), zip.Entries.Select(e => e.FullName).Order());
        using var reader = new StreamReader(zip.GetEntry("manifest.json")!.Open());
        var manifest = System.Text.Json.JsonDocument.Parse(reader.ReadToEnd()).RootElement;
        Assert.Equal("11111111-2222-3333-4444-555555555555", manifest.GetProperty("id").GetString());
        Assert.Equal("11111111-2222-3333-4444-555555555555", manifest.GetProperty("bots")[0].GetProperty("botId").GetString());
    }

    [Fact]
    public void An_app_id_that_is_not_a_guid_is_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => TeamsPackage.Write(Path.Combine(RepoPaths.Root, "bot", "teams"), "my-bot", Path.Combine(_dir, "x.zip")));

        Assert.Contains("not a GUID", e.Message, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
