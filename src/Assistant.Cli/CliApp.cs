using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Assistant.Answering;
using Assistant.Core;
using Assistant.Ingestion;
using Spectre.Console;

namespace Assistant.Cli;

/// <summary>The `assistant` commands; each one validates its input and exits non-zero with a message naming what is wrong.</summary>
internal static class CliApp
{
    private const string Examples = """

        Examples:
          assistant ask "Where can OpenAI's models run?"
          assistant ask "Where can OpenAI's models run?" --as-of 2026-03-01 --json
          assistant ask "And the Pentagon?" --history "Where can OpenAI's models run?"
          assistant check "OpenAI's core models run only on Azure."
          assistant check --file points.txt --report report.html
          assistant chat
          assistant ingest --corpus corpus --index data/index.db
          assistant eval --set ../shared/eval/public.jsonl --out answers.jsonl
          assistant sources
          assistant migrate --to qdrant          (Qdrant__Endpoint, Qdrant__Collection)
          assistant report --since 2026-11-01 --format csv
        """;

    private static readonly Option<string?> CorpusOption = new("--corpus")
    {
        Description = "Corpus folder (default: the nearest 'corpus' folder upwards; env Assistant__Corpus)",
        Recursive = true,
    };

    private static readonly Option<string?> IndexOption = new("--index")
    {
        Description = "SQLite index file (default: data/index.db beside the corpus; env Assistant__Index)",
        Recursive = true,
    };

    private static readonly Option<string?> ModelOption = new("--embedding-model")
    {
        Description = "Local embedding model: arctic-xs (default) or minilm (env Assistant__EmbeddingModel)",
        Recursive = true,
    };

    private static readonly Option<bool> JsonOption = new("--json") { Description = "Print the answer as JSON (the contract of shared/eval/README.md)" };

    private static readonly Option<string?> AsOfOption = new("--as-of") { Description = "Answer as the sources stood on this day (YYYY-MM-DD)" };

    public static RootCommand Build()
    {
        var root = new RootCommand("Assistant: cited, layer-aware, time-aware answers about the Microsoft–OpenAI partnership terms." + Examples);
        root.Options.Add(CorpusOption);
        root.Options.Add(IndexOption);
        root.Options.Add(ModelOption);
        root.Subcommands.Add(IngestCommand());
        root.Subcommands.Add(AskCommand());
        root.Subcommands.Add(ChatCommand());
        root.Subcommands.Add(CheckCommand());
        root.Subcommands.Add(EvalCommand());
        root.Subcommands.Add(SourcesCommand());
        root.Subcommands.Add(TeamsPackageCommand());
        root.Subcommands.Add(ReportCommand());
        root.Subcommands.Add(MigrateCommand());
        return root;
    }

    private static Command IngestCommand()
    {
        var skip = new Option<bool>("--skip-invalid") { Description = "Report bad files and index the rest instead of stopping" };
        var cmd = new Command("ingest", "Read the corpus, chunk, tag and embed it, and swap in a new index (unchanged files are not re-embedded)") { skip };
        cmd.SetAction(async (pr, ct) => await Run(async () =>
        {
            var settings = Settings(pr);
            var openAI = AzureOpenAISettings.FromEnvironment().Validate();
            using var model = openAI.EmbeddingsEnabled ? new Answering.Generative.ModelConnection(openAI) : null;
            using var embedder = AssistantRuntime.CreateEmbedder(settings, model);
            var store = AssistantRuntime.CreateStore(settings, IndexSettings.FromEnvironment(), QdrantSettings.FromEnvironment());
            using var _ = store as IDisposable;
            var pipeline = AssistantRuntime.CreatePipeline(settings, embedder, store);
            IngestReport report = null!;
            await Err.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                .StartAsync(async ctx =>
                {
                    var read = ctx.AddTask("Reading files");
                    var embed = ctx.AddTask("Embedding chunks");
                    var swap = ctx.AddTask("Swapping index");
                    var progress = new SyncProgress<IngestProgress>(p =>
                    {
                        var task = p.Stage switch { "read" => read, "embed" => embed, _ => swap };
                        task.MaxValue = Math.Max(1, p.Total);
                        task.Value = p.Total == 0 ? 1 : p.Done;
                    });
                    report = await pipeline.RunAsync(pr.GetValue(skip), progress, ct).ConfigureAwait(false);
                    read.Value = read.MaxValue;
                    embed.Value = embed.MaxValue;
                }).ConfigureAwait(false);
            foreach (var e in report.Skipped)
                Err.MarkupLineInterpolated($"[yellow]skipped[/] {e.Message}");
            Out.MarkupLineInterpolated(
                $"Indexed [bold]{report.Documents}[/] documents, [bold]{report.Chunks}[/] chunks in {report.Elapsed.TotalSeconds:0.0} s: {report.Added} added, {report.Updated} updated, {report.Unchanged} unchanged, {report.Removed} removed; {report.EmbeddedChunks} chunks embedded.");
            if (report.Rebuilt)
                Out.MarkupLine("The embedding model changed, so every document was re-embedded.");
            Out.MarkupLineInterpolated($"Index: {store.Description}");
            return report.Skipped.Count > 0 ? 2 : 0;
        }).ConfigureAwait(false));
        return cmd;
    }

    private static Command AskCommand()
    {
        var question = new Argument<string>("question") { Description = "The question, in quotes" };
        var history = new Option<string[]>("--history") { Description = "An earlier question of the same conversation (repeat, oldest first)" };
        var explain = new Option<bool>("--explain") { Description = "Also show the scored evidence sentences and their stances" };
        var talkingPoint = new Option<bool>("--talking-point") { Description = "Treat the text as a statement to check (as `check` does)" };
        var cmd = new Command("ask", "Answer a question with citations (builds the index on first use)") { question, JsonOption, AsOfOption, history, explain, talkingPoint };
        cmd.SetAction(async (pr, ct) => await Run(async () =>
        {
            using var runtime = await Start(pr, ct).ConfigureAwait(false);
            var request = new AskRequest(CheckedQuestion(pr.GetValue(question), runtime.Settings)) { AsOf = AsOf(pr), IsTalkingPoint = pr.GetValue(talkingPoint) };
            var answer = await runtime.Answerer.AnswerInConversationAsync(pr.GetValue(history) ?? [], request, ct).ConfigureAwait(false);
            Print(answer, pr.GetValue(JsonOption));
            if (pr.GetValue(explain))
                await Explain(runtime, request, pr.GetValue(history) ?? [], ct).ConfigureAwait(false);
            return 0;
        }).ConfigureAwait(false));
        return cmd;
    }

    private static Command ChatCommand()
    {
        var cmd = new Command("chat", "Interactive conversation; follow-ups use earlier turns. Commands: /check TEXT, /asof DATE, /reset, /sources, /help, /quit") { AsOfOption };
        cmd.SetAction(async (pr, ct) => await Run(async () =>
        {
            using var runtime = await Start(pr, ct).ConfigureAwait(false);
            var asOf = AsOf(pr);
            var turns = new List<Turn>();
            Out.MarkupLine("Ask about the Microsoft–OpenAI partnership. [grey]/help for commands, /quit to leave.[/]");
            while (!ct.IsCancellationRequested)
            {
                Out.Markup("[bold]> [/]");
                var line = Console.ReadLine();
                if (line is null || line.Trim() is "/quit" or "/exit")
                    break;
                line = line.Trim();
                if (line.Length == 0)
                    continue;
                if (line == "/help")
                {
                    Out.MarkupLine("/check TEXT  check a talking point\n/asof DATE   answer as of a day (/asof off to clear)\n/reset       forget the conversation\n/sources     list the sources\n/quit        leave");
                    continue;
                }
                if (line == "/reset")
                {
                    turns.Clear();
                    Out.MarkupLine("[grey]Conversation cleared.[/]");
                    continue;
                }
                if (line == "/sources")
                {
                    PrintSources(runtime);
                    continue;
                }
                if (line.StartsWith("/asof", StringComparison.Ordinal))
                {
                    var arg = line[5..].Trim();
                    asOf = arg is "" or "off" ? null : ParseDate(arg, "/asof");
                    Out.MarkupLineInterpolated($"[grey]Answering as of {(asOf?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "today")}.[/]");
                    continue;
                }
                var isCheck = line.StartsWith("/check ", StringComparison.Ordinal);
                var text = isCheck ? line[7..].Trim() : line;
                try
                {
                    var (answer, turn) = await runtime.Answerer.AnswerAsync(
                        new AskRequest(CheckedQuestion(text, runtime.Settings)) { History = turns.TakeLast(10).ToList(), AsOf = asOf, IsTalkingPoint = isCheck }, ct).ConfigureAwait(false);
                    turns.Add(turn);
                    Print(answer, json: false);
                }
                catch (ArgumentException e)
                {
                    Console.Error.WriteLine($"error: {e.Message}");
                }
            }
            return 0;
        }).ConfigureAwait(false));
        return cmd;
    }

    private static Command CheckCommand()
    {
        var point = new Argument<string?>("talking-point") { Description = "The statement to check, in quotes", Arity = ArgumentArity.ZeroOrOne };
        var file = new Option<string?>("--file") { Description = "Check every non-empty line of this file" };
        var report = new Option<string?>("--report") { Description = "Write a report of the batch (.html or .md)" };
        var cmd = new Command("check", "Check a talking point: a verdict per layer, the quotes, an accurate rephrasing") { point, file, report, JsonOption, AsOfOption };
        cmd.SetAction(async (pr, ct) => await Run(async () =>
        {
            var single = pr.GetValue(point);
            var path = pr.GetValue(file);
            if ((single is null) == (path is null))
                throw new ArgumentException("Give either a talking point in quotes or --file FILE.");
            var reportPath = pr.GetValue(report);
            if (reportPath is not null && !CheckReport.Formats.Contains(Path.GetExtension(reportPath).ToLowerInvariant()))
                throw new ArgumentException($"--report: '{reportPath}' must end in .html or .md");
            var points = path is null ? [single!] : ReadPoints(path);
            using var runtime = await Start(pr, ct).ConfigureAwait(false);
            var answers = new List<Answer>();
            foreach (var p in points)
            {
                var request = new AskRequest(CheckedQuestion(p, runtime.Settings)) { AsOf = AsOf(pr), IsTalkingPoint = true };
                answers.Add((await runtime.Answerer.AnswerAsync(request, ct).ConfigureAwait(false)).Answer);
            }
            if (reportPath is not null)
            {
                File.WriteAllText(reportPath, CheckReport.Write(answers, Path.GetExtension(reportPath), runtime.Taxonomy, AsOf(pr)));
                Out.MarkupLineInterpolated($"Checked {answers.Count} talking points; report written to {reportPath}");
                foreach (var g in answers.GroupBy(a => a.Verdict))
                    Out.MarkupLineInterpolated($"  {g.Key}: {g.Count()}");
            }
            else if (pr.GetValue(JsonOption) && answers.Count > 1)
            {
                foreach (var a in answers)
                    Console.WriteLine(JsonSerializer.Serialize(a, AnswerJson.Compact));
            }
            else
            {
                foreach (var a in answers)
                    Print(a, pr.GetValue(JsonOption));
            }
            return 0;
        }).ConfigureAwait(false));
        return cmd;
    }

    private static Command EvalCommand()
    {
        var set = new Option<string>("--set") { Description = "Evaluation set (JSONL, shape of shared/eval/public.jsonl)", Required = true };
        var output = new Option<string?>("--out") { Description = "Write one answer per line (JSONL) to this file" };
        var cmd = new Command("eval", "Answer every item of an evaluation set and print the metrics") { set, output, JsonOption };
        cmd.SetAction(async (pr, ct) => await Run(async () =>
        {
            var items = EvalItem.Load(pr.GetValue(set)!);
            using var runtime = await Start(pr, ct).ConfigureAwait(false);
            var runner = new EvalRunner(runtime.Answerer, runtime.Extractive, new EvalGrader(new CitationValidator(runtime.Root)));
            var grades = await runner.RunAsync(items, ct: ct).ConfigureAwait(false);
            if (pr.GetValue(output) is { } outPath)
                File.WriteAllLines(outPath, grades.Select(g => JsonSerializer.Serialize(g.Answer, AnswerJson.Compact)));
            var metrics = EvalMetrics.From(grades);
            if (pr.GetValue(JsonOption))
            {
                Console.WriteLine(JsonSerializer.Serialize(metrics, AnswerJson.Indented));
                return 0;
            }
            var failures = new Table().AddColumns("item", "verdict", "why it failed").Border(TableBorder.Simple);
            foreach (var g in grades.Where(g => !g.Passed))
                failures.AddRow(Markup.Escape(g.Item.Id), Markup.Escape(g.Answer.Verdict), Markup.Escape(string.Join("; ", g.Failures())));
            if (failures.Rows.Count > 0)
                Out.Write(failures);
            var table = new Table().AddColumns("metric", "value").Border(TableBorder.Rounded);
            table.AddRow("items", metrics.Items.ToString(CultureInfo.InvariantCulture));
            table.AddRow("pass rate", P(metrics.PassRate));
            table.AddRow("verdict accuracy", P(metrics.VerdictAccuracy));
            table.AddRow("abstention accuracy", P(metrics.AbstentionAccuracy));
            table.AddRow("layer recall", P(metrics.LayerRecall));
            table.AddRow("layer precision", P(metrics.LayerPrecision));
            table.AddRow("evidence recall", P(metrics.EvidenceRecall));
            table.AddRow("mention recall", P(metrics.MentionRecall));
            table.AddRow("citation validity", P(metrics.CitationValidity));
            table.AddRow("retrieval recall@12", P(metrics.RetrievalRecall));
            table.AddRow("latency p50", $"{metrics.LatencyP50:0.0} ms");
            table.AddRow("latency p95", $"{metrics.LatencyP95:0.0} ms");
            Out.Write(table);
            return 0;
        }).ConfigureAwait(false));
        return cmd;
    }

    private static Command SourcesCommand()
    {
        var cmd = new Command("sources", "List the indexed documents with their dates and confidence") { JsonOption };
        cmd.SetAction(async (pr, ct) => await Run(async () =>
        {
            using var runtime = await Start(pr, ct).ConfigureAwait(false);
            if (pr.GetValue(JsonOption))
                Console.WriteLine(JsonSerializer.Serialize(runtime.Index.Documents.Select(d => d.Info), AnswerJson.Indented));
            else
                PrintSources(runtime);
            return 0;
        }).ConfigureAwait(false));
        return cmd;
    }

    private static async Task Explain(AssistantRuntime runtime, AskRequest request, IReadOnlyList<string> history, CancellationToken ct)
    {
        var turns = new List<Turn>();
        foreach (var h in history)
            turns.Add((await runtime.Answerer.AnswerAsync(new AskRequest(h) { History = turns.ToList(), AsOf = request.AsOf }, ct).ConfigureAwait(false)).Turn);
        var (q, evidence) = await runtime.Extractive.ExplainAsync(request with { History = turns }, ct).ConfigureAwait(false);
        Err.MarkupLineInterpolated($"[grey]form {q.Form}, type {q.AnswerType}, focus [[{string.Join(",", q.FocusLayers)}]], avoid [[{string.Join(",", q.AvoidLayers)}]], latest {q.WantsLatest}, terms {string.Join(" ", q.Terms.Select(t => t.Stem + (t.IsEntity ? "*" : "")))} | context {string.Join(" ", q.ContextTerms.Select(t => t.Stem))}[/]");
        foreach (var e in evidence.Take(15))
        {
            var stances = string.Join("; ", e.Clauses.Select(c => $"{c.Stance} {string.Join("/", c.Layers)} ({c.Rule})"));
            Err.MarkupLineInterpolated($"[grey]{e.Score:0.00} rel {e.Relevance:0.00} {e.Document.Date:yyyy-MM-dd} [[{string.Join(",", e.Layers)}]] {stances}[/]\n    {e.Quote}");
        }
    }

    private static Command MigrateCommand()
    {
        var to = new Option<string>("--to") { Description = "Where to copy the embedded index: qdrant (Qdrant__Endpoint, Qdrant__ApiKey, Qdrant__Collection)", Required = true };
        to.AcceptOnlyFromAmong(IndexSettings.Qdrant);
        var cmd = new Command("migrate", "Copy the embedded SQLite index into Qdrant with its vectors (nothing is re-embedded), then swap it in under the collection alias") { to };
        cmd.SetAction(async (pr, ct) => await Run(async () =>
        {
            var settings = Settings(pr);
            var source = new Retrieval.SqliteIndexStore(settings.Index!);
            using var index = (Retrieval.SqliteIndex)await source.OpenAsync(ct).ConfigureAwait(false);
            using var target = new Retrieval.Qdrant.QdrantIndexStore(QdrantSettings.FromEnvironment());
            var copied = 0;
            await Err.Progress().StartAsync(async ctx =>
            {
                var task = ctx.AddTask($"Copying {index.ChunkCount} chunks");
                task.MaxValue = Math.Max(1, index.ChunkCount);
                copied = await Retrieval.IndexMigration.CopyAsync(index, target, new SyncProgress<(int Done, int Total)>(p => task.Value = p.Done), ct).ConfigureAwait(false);
                task.Value = task.MaxValue;
            }).ConfigureAwait(false);
            Out.MarkupLineInterpolated($"Copied [bold]{index.Documents.Count}[/] documents, [bold]{copied}[/] chunks ({index.Manifest!.EmbeddingModel}, {index.Manifest.Dimensions} dimensions) from {source.Description} to {target.Description}.");
            Out.MarkupLine("Serve from it with Index__Provider=qdrant.");
            return 0;
        }).ConfigureAwait(false));
        return cmd;
    }

    private static Command ReportCommand()
    {
        var since = new Option<string?>("--since") { Description = "Only what happened on or after this day (YYYY-MM-DD)" };
        var format = new Option<string>("--format") { Description = "md (default) or csv", DefaultValueFactory = _ => "md" };
        format.AcceptOnlyFromAmong("md", "csv");
        var store = new Option<string?>("--store") { Description = "The host's review log (default: bot.db beside the index)" };
        var cmd = new Command("report", "The content owners' review queue: unanswered questions, negative feedback, most asked questions") { since, format, store };
        cmd.SetAction(async (pr, ct) => await Run(async () =>
        {
            var settings = Settings(pr);
            var path = pr.GetValue(store) ?? Path.Combine(Path.GetDirectoryName(settings.Index!)!, "bot.db");
            if (!File.Exists(path))
                throw new ArgumentException($"No review log at {path}: the bot host writes it as people ask (or pass --store PATH).");
            var day = pr.GetValue(since) is { } s ? ParseDate(s, "--since") : (DateOnly?)null;
            Console.Write(await new ReviewLog(path).ReportAsync(day, pr.GetValue(format)!, ct).ConfigureAwait(false));
            return 0;
        }).ConfigureAwait(false));
        return cmd;
    }

    private static Command TeamsPackageCommand()
    {
        var appId = new Option<string>("--app-id") { Description = "Microsoft App ID of the Azure Bot registration (a GUID)", Required = true };
        var output = new Option<string>("--out") { Description = "Zip file to write", DefaultValueFactory = _ => "assistant-teams.zip" };
        var dir = new Option<string?>("--teams-dir") { Description = "Folder with manifest.json and icons (default: bot/teams beside the corpus)" };
        var developer = new Option<string?>("--developer-name") { Description = $"Publisher name shown in Teams (up to {TeamsPublisher.MaxNameLength} characters; default: a placeholder)" };
        var website = new Option<string?>("--website-url") { Description = "https:// page with support information (default: an example.com placeholder)" };
        var privacy = new Option<string?>("--privacy-url") { Description = "https:// privacy statement (default: an example.com placeholder)" };
        var terms = new Option<string?>("--terms-url") { Description = "https:// terms of use (default: an example.com placeholder)" };
        var cmd = new Command("teams-package", "Write the Teams app package (manifest + icons) for upload to Teams") { appId, output, dir, developer, website, privacy, terms };
        cmd.SetAction(async (pr, ct) => await Run(() =>
        {
            var settings = Settings(pr);
            var teamsDir = pr.GetValue(dir) ?? Path.Combine(Path.GetDirectoryName(settings.Corpus!)!, "bot", "teams");
            var publisher = new TeamsPublisher(pr.GetValue(developer), pr.GetValue(website), pr.GetValue(privacy), pr.GetValue(terms));
            foreach (var warning in TeamsPackage.Write(teamsDir, pr.GetValue(appId)!, pr.GetValue(output)!, publisher))
                Console.Error.WriteLine($"warning: {warning}");
            Out.MarkupLineInterpolated($"Wrote {pr.GetValue(output)}: upload it in Teams (Apps > Manage your apps > Upload an app).");
            return Task.FromResult(0);
        }).ConfigureAwait(false));
        return cmd;
    }

    private static void PrintSources(AssistantRuntime runtime)
    {
        var table = new Table().AddColumns("date", "confidence", "title", "path").Border(TableBorder.Simple);
        foreach (var d in runtime.Index.Documents)
        {
            table.AddRow(d.Info.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + (d.Info.DateInferred ? "*" : ""),
                d.Info.Confidence.ToString().ToLowerInvariant(), Markup.Escape(d.Info.Title), Markup.Escape(d.Info.Path));
        }
        Out.Write(table);
        Out.MarkupLine("[grey]* date inferred[/]");
    }

    private static void Print(Answer answer, bool json)
    {
        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(answer, AnswerJson.Indented));
            return;
        }
        if (answer.Notice is not null)
            Err.MarkupLineInterpolated($"[yellow]{answer.Notice}[/]");
        Out.WriteLine(answer.Text.Replace("**", "", StringComparison.Ordinal));
        if (answer.Rephrasing is not null)
            Out.MarkupLineInterpolated($"\n[bold]Accurate version:[/] {answer.Rephrasing}");
        if (answer.Citations.Count > 0)
        {
            Out.WriteLine();
            foreach (var c in answer.Citations)
                Out.MarkupLineInterpolated($"[grey][[{c.N}]] {c.Title} ({c.Date}, {c.Confidence}) {c.Path}{(c.Section is null ? "" : " > " + c.Section)}[/]");
        }
        if (answer.FollowUps.Count > 0)
        {
            Out.WriteLine();
            foreach (var f in answer.FollowUps)
                Out.MarkupLineInterpolated($"[blue]?[/] {f}");
        }
        Out.MarkupLineInterpolated($"[grey]verdict: {answer.Verdict} · layers: {string.Join(", ", answer.Layers)} · {answer.Mode} · {answer.LatencyMs:0.0} ms[/]");
    }

    private static async Task<AssistantRuntime> Start(ParseResult pr, CancellationToken ct)
    {
        var settings = Settings(pr);
        var openAI = AzureOpenAISettings.FromEnvironment();
        var index = IndexSettings.FromEnvironment().Validate();
        var qdrant = QdrantSettings.FromEnvironment();
        if (index.Provider == IndexSettings.Qdrant || File.Exists(settings.Index))
            return await AssistantRuntime.StartAsync(settings, ct: ct, openAI: openAI, index: index, qdrant: qdrant).ConfigureAwait(false);
        Err.MarkupLine("[grey]No index yet: building it from the corpus (first use only)...[/]");
        var progress = new SyncProgress<IngestProgress>(p =>
        {
            if (p.Stage == "embed" && p.Total > 0 && (p.Done == p.Total || p.Done % 64 == 0))
                Err.MarkupLineInterpolated($"[grey]  embedded {p.Done}/{p.Total} chunks[/]");
        });
        return await AssistantRuntime.StartAsync(settings, progress,
            r => Err.MarkupLineInterpolated($"[grey]Indexed {r.Documents} documents, {r.Chunks} chunks in {r.Elapsed.TotalSeconds:0.0} s.[/]"), ct, openAI, index: index, qdrant: qdrant).ConfigureAwait(false);
    }

    private static AssistantSettings Settings(ParseResult pr)
    {
        var s = AssistantSettings.FromEnvironment();
        s.Corpus = pr.GetValue(CorpusOption) ?? s.Corpus;
        s.Index = pr.GetValue(IndexOption) ?? s.Index;
        s.EmbeddingModel = pr.GetValue(ModelOption) ?? s.EmbeddingModel;
        return s.Validate();
    }

    private static string CheckedQuestion(string? text, AssistantSettings settings)
    {
        var q = text?.Trim() ?? "";
        if (q.Length == 0)
            throw new ArgumentException("The question is empty.");
        if (q.Length > settings.MaxQuestionLength)
            throw new ArgumentException($"The question is {q.Length} characters long; the limit is {settings.MaxQuestionLength} (Assistant__MaxQuestionLength).");
        return q;
    }

    private static IReadOnlyList<string> ReadPoints(string path)
    {
        if (!File.Exists(path))
            throw new ArgumentException($"--file: {path} not found");
        var points = File.ReadAllLines(path).Select(l => l.Trim().TrimStart('-', '*', '\u2022').Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        return points.Count > 0 ? points : throw new ArgumentException($"--file: {path} has no talking points (one per line)");
    }

    private static DateOnly? AsOf(ParseResult pr) => pr.GetValue(AsOfOption) is { } s ? ParseDate(s, "--as-of") : null;

    private static DateOnly ParseDate(string s, string what) =>
        DateOnly.TryParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
            ? d
            : throw new ArgumentException($"{what}: '{s}' is not a date of the form YYYY-MM-DD");

    private static string P(double v) => v.ToString("0.00", CultureInfo.InvariantCulture);

    private static async Task<int> Run(Func<Task<int>> action)
    {
        try
        {
            return await action().ConfigureAwait(false);
        }
        catch (Exception e) when (e is ArgumentException or IngestFailedException or DocumentLoadException or IndexUnavailableException
            or KnowledgeFileException or FormatException or DirectoryNotFoundException or FileNotFoundException)
        {
            // Plain text, unwrapped: error messages are read by people and by scripts.
            Console.Error.WriteLine($"error: {e.Message}");
            return 1;
        }
    }

    // Created per use so they follow Console.SetOut/SetError (tests, redirection).
    private static IAnsiConsole Out => AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Out) });

    /// <summary>Progress and notices go to stderr so `--json` output stays clean.</summary>
    private static IAnsiConsole Err => AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });

    /// <summary>Reports on the caller's thread (Progress&lt;T&gt; would post to the thread pool and reorder reports).</summary>
    private sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
