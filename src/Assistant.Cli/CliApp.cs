using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Assistant.Answering;
using Assistant.Cli.Evaluation;
using Assistant.Core;
using Assistant.Hosting;
using Assistant.Hosting.Timeline;
using Assistant.Ingestion;
using Assistant.Retrieval;
using Assistant.Retrieval.Qdrant;
using Assistant.Retrieval.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
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
          assistant eval-verifier --set tests/Assistant.Tests/Verifier/sentences.jsonl
          assistant sources
          assistant migrate --to qdrant          (Qdrant__Endpoint, Qdrant__Collection)
          assistant report --since 2026-11-01 --format csv
          assistant terms --as-of 2026-03-01 --layer infrastructure
        """;

    private static readonly Option<bool> JsonOption = new("--json") { Description = "Print the answer as JSON (the contract of shared/eval/README.md)" };

    private static readonly Option<string?> AsOfOption = new("--as-of") { Description = "Answer as the sources stood on this day (YYYY-MM-DD)" };

    public static RootCommand Build()
    {
        var root = new RootCommand("Assistant: cited, layer-aware, time-aware answers about the Microsoft–OpenAI partnership terms." + Examples);
        root.Options.Add(CliHost.CorpusOption);
        root.Options.Add(CliHost.IndexOption);
        root.Options.Add(CliHost.ModelOption);
        root.Subcommands.Add(IngestCommand());
        root.Subcommands.Add(AskCommand());
        root.Subcommands.Add(ChatCommand());
        root.Subcommands.Add(CheckCommand());
        root.Subcommands.Add(EvalCommand());
        root.Subcommands.Add(EvalVerifierCommand());
        root.Subcommands.Add(SourcesCommand());
        root.Subcommands.Add(TeamsPackageCommand());
        root.Subcommands.Add(ReportCommand());
        root.Subcommands.Add(MigrateCommand());
        root.Subcommands.Add(TermsCommand.Build(AsOfOption, JsonOption, StartAsync, Run));
        return root;
    }

    private static Command IngestCommand()
    {
        var skip = new Option<bool>("--skip-invalid") { Description = "Report bad files and index the rest instead of stopping" };
        var cmd = new Command("ingest", "Read the corpus, chunk, tag and embed it, and swap in a new index (unchanged files are not re-embedded)") { skip };
        cmd.SetAction(async (pr, ct) => await Run(async () =>
        {
            using var host = CliHost.Build(pr);
            var store = host.Services.GetRequiredService<IIndexStore>();
            var pipeline = host.Services.GetRequiredService<IngestionPipeline>();
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
            using var host = await StartAsync(pr, ct).ConfigureAwait(false);
            var request = new AskRequest(CheckedQuestion(pr.GetValue(question), host))
            {
                AsOf = AsOf(pr),
                IsTalkingPoint = pr.GetValue(talkingPoint),
                History = ConversationTurn.FromQuestions(pr.GetValue(history) ?? []),
            };
            var (answer, _) = await host.Services.GetRequiredService<IAnswerer>().AnswerAsync(request, ct).ConfigureAwait(false);
            Print(answer, pr.GetValue(JsonOption));
            if (pr.GetValue(explain))
                await Explain(host, request, ct).ConfigureAwait(false);
            return 0;
        }).ConfigureAwait(false));
        return cmd;
    }

    private static Command ChatCommand()
    {
        var cmd = new Command("chat", "Interactive conversation; follow-ups use earlier turns. Commands: /check TEXT, /asof DATE, /reset, /sources, /help, /quit") { AsOfOption };
        cmd.SetAction(async (pr, ct) => await Run(async () =>
        {
            using var host = await StartAsync(pr, ct).ConfigureAwait(false);
            var answerer = host.Services.GetRequiredService<IAnswerer>();
            var asOf = AsOf(pr);
            var turns = new List<ConversationTurn>();
            Out.MarkupLine("Ask about the Microsoft–OpenAI partnership. [grey]/help for commands, /quit to leave.[/]");
            while (!ct.IsCancellationRequested)
            {
                Out.Markup("[bold]> [/]");
                var line = Console.ReadLine();
                if (line is null)
                    break;
                if (line.Trim().Length == 0)
                    continue;
                var command = Answering.ChatCommand.Parse(line);
                if (command.Problem is not null)
                {
                    Console.Error.WriteLine($"error: {command.Problem}");
                    continue;
                }
                switch (command.Kind)
                {
                    case ChatCommandKind.Quit:
                        return 0;
                    case ChatCommandKind.Help:
                        foreach (var (usage, what) in Answering.ChatCommand.Help.Append(("/quit", "leave")))
                            Out.MarkupLineInterpolated($"{usage,-18} {what}");
                        break;
                    case ChatCommandKind.Reset:
                        turns.Clear();
                        Out.MarkupLine("[grey]Conversation cleared.[/]");
                        break;
                    case ChatCommandKind.Sources:
                        PrintSources(host);
                        break;
                    case ChatCommandKind.AsOf:
                        asOf = command.Day;
                        Out.MarkupLineInterpolated($"[grey]Answering as of {(asOf is { } d ? Dates.Iso(d) : "today")}.[/]");
                        break;
                    case ChatCommandKind.Unknown:
                        Console.Error.WriteLine($"error: unknown command {command.Text}; /help lists them");
                        break;
                    case ChatCommandKind.Ask or ChatCommandKind.Check:
                        if (QuestionValidator.Problem(command.Text, Settings(host).MaxQuestionLength) is { } problem)
                        {
                            Console.Error.WriteLine($"error: {problem}");
                            break;
                        }
                        var (answer, turn) = await answerer.AnswerAsync(new AskRequest(command.Text)
                        {
                            History = turns.TakeLast(RuleBasedFollowUpResolver.Depth).ToList(),
                            AsOf = asOf,
                            IsTalkingPoint = command.Kind == ChatCommandKind.Check,
                        }, ct).ConfigureAwait(false);
                        turns.Add(turn);
                        Print(answer, json: false);
                        break;
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
            using var host = await StartAsync(pr, ct).ConfigureAwait(false);
            var answerer = host.Services.GetRequiredService<IAnswerer>();
            var answers = new List<Answer>();
            foreach (var p in points)
            {
                var request = new AskRequest(CheckedQuestion(p, host)) { AsOf = AsOf(pr), IsTalkingPoint = true };
                answers.Add((await answerer.AnswerAsync(request, ct).ConfigureAwait(false)).Answer);
            }
            if (reportPath is not null)
            {
                var taxonomy = host.Services.GetRequiredService<LayerTaxonomy>();
                var index = Served(host).Index;
                var timeline = new TermsTimeline(index.Ledger, taxonomy, index.Documents.ToDictionary(d => d.Info.Id, d => d.Info, StringComparer.Ordinal));
                File.WriteAllText(reportPath, CheckReport.Write(answers, Path.GetExtension(reportPath), taxonomy, AsOf(pr), timeline));
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
            using var host = await StartAsync(pr, ct).ConfigureAwait(false);
            var runner = new EvalRunner(host.Services.GetRequiredService<IAnswerer>(), host.Services.GetRequiredService<IRetriever>(),
                new EvalGrader(new CitationValidator(Root(host))));
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
            var families = EvalMetrics.ByFamily(grades);
            if (families.Count > 1)
            {
                var byFamily = new Table().AddColumns("family", "items", "passed", "inverted", "refused").Border(TableBorder.Simple);
                foreach (var f in families)
                    byFamily.AddRow(Markup.Escape(f.Family), $"{f.Items}", $"{f.Passed}", $"{f.Inverted}", $"{f.Refused}");
                Out.Write(byFamily);
            }
            var table = new Table().AddColumns("metric", "value").Border(TableBorder.Rounded);
            table.AddRow("items", metrics.Items.ToString(CultureInfo.InvariantCulture));
            table.AddRow("pass rate", P(metrics.PassRate));
            table.AddRow("inverted (opposite polarity)", metrics.Inverted.ToString(CultureInfo.InvariantCulture));
            table.AddRow("wrongful refusals", metrics.WrongfulRefusals.ToString(CultureInfo.InvariantCulture));
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

    private static Command EvalVerifierCommand()
    {
        var set = new Option<string>("--set") { Description = "Labelled model sentences (JSONL, shape of tests/Assistant.Tests/Verifier/sentences.jsonl)", Required = true };
        var misses = new Option<bool>("--misses") { Description = "Also list every sentence the verifier got wrong, with its reason" };
        var output = new Option<string?>("--out") { Description = "Write one result per line (JSONL): id, kind, keep, kept, reason, detail, coverage, similarity" };
        var cmd = new Command("eval-verifier", "Run the generative verifier's sentence check over labelled sentences: faithful ones kept, fabrications dropped") { set, misses, output, JsonOption };
        cmd.SetAction(async (pr, ct) => await Run(async () =>
        {
            var items = VerifierItem.Load(pr.GetValue(set)!);
            using var host = await StartAsync(pr, ct).ConfigureAwait(false);
            var grades = await new VerifierEvaluation(host.Services.GetRequiredService<ServedIndex>(),
                host.Services.GetRequiredService<Microsoft.Extensions.AI.IEmbeddingGenerator<string, Microsoft.Extensions.AI.Embedding<float>>>()).RunAsync(items, ct).ConfigureAwait(false);
            var metrics = VerifierMetrics.From(grades);
            if (pr.GetValue(output) is { } outPath)
            {
                File.WriteAllLines(outPath, grades.Select(g => JsonSerializer.Serialize(new
                {
                    id = g.Item.Id,
                    kind = g.Item.Kind,
                    keep = g.Item.Keep,
                    kept = g.Kept,
                    text = g.Item.Text,
                    reason = g.Result.Reason,
                    detail = g.Result.Detail,
                    coverage = Math.Round(g.Result.Coverage, 3),
                    similarity = Math.Round(g.Result.Similarity, 3),
                }, AnswerJson.Compact)));
            }
            if (pr.GetValue(JsonOption))
            {
                Console.WriteLine(JsonSerializer.Serialize(metrics, AnswerJson.Indented));
                return 0;
            }
            if (pr.GetValue(misses))
            {
                var wrong = new Table().AddColumns("item", "kind", "should", "did", "why").Border(TableBorder.Simple);
                foreach (var g in grades.Where(g => !g.Correct))
                    wrong.AddRow(Markup.Escape(g.Item.Id), Markup.Escape(g.Item.Kind), g.Item.Keep ? "keep" : "drop", g.Kept ? "kept" : "dropped",
                        Markup.Escape(g.Kept ? $"{g.Item.Text} (words {g.Result.Coverage:0.00}, meaning {g.Result.Similarity:0.00})" : $"{g.Item.Text} — {g.Result.Detail}"));
                Out.Write(wrong);
            }
            var kinds = new Table().AddColumns("kind", "should", "items", "right").Border(TableBorder.Simple);
            foreach (var k in metrics.ByKind)
                kinds.AddRow(Markup.Escape(k.Kind), k.Keep ? "keep" : "drop", $"{k.Items}", $"{k.Correct}");
            Out.Write(kinds);
            var table = new Table().AddColumns("metric", "value").Border(TableBorder.Rounded);
            table.AddRow("sentences", metrics.Items.ToString(CultureInfo.InvariantCulture));
            table.AddRow("faithful sentences kept", P(metrics.FaithfulKept));
            table.AddRow("fabrications dropped", P(metrics.FabricationsDropped));
            table.AddRow("drops that were right (precision)", P(metrics.DropPrecision));
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
            using var host = await StartAsync(pr, ct).ConfigureAwait(false);
            if (pr.GetValue(JsonOption))
                Console.WriteLine(JsonSerializer.Serialize(Served(host).Index.Documents.Select(d => d.Info), AnswerJson.Indented));
            else
                PrintSources(host);
            return 0;
        }).ConfigureAwait(false));
        return cmd;
    }

    private static async Task Explain(IHost host, AskRequest request, CancellationToken ct)
    {
        var resolved = await host.Services.GetRequiredService<IFollowUpResolver>().ResolveAsync(request.Question, request.History, ct).ConfigureAwait(false);
        var r = await host.Services.GetRequiredService<IRetriever>().RetrieveAsync(resolved, request.IsTalkingPoint, request.AsOf, ct).ConfigureAwait(false);
        var q = r.Question;
        Err.MarkupLineInterpolated($"[grey]form {q.Form}, type {q.AnswerType}, focus [[{string.Join(",", q.FocusLayers)}]], avoid [[{string.Join(",", q.AvoidLayers)}]], latest {q.WantsLatest}, terms {string.Join(" ", q.Terms.Select(t => t.Stem + (t.IsEntity ? "*" : "")))} | context {string.Join(" ", q.ContextTerms.Select(t => t.Stem))}{(r.Gap is null ? "" : " | not covered: " + r.Gap)}[/]");
        var c = r.Reading;
        // Plain lines (not wrapped to the terminal): one per claim feature and matched term, for reading and for scripts.
        Console.Error.WriteLine($"claim: \"{c.Normalized}\" negated {c.Negated}, aspect {c.Aspect}, restrictive {c.Restrictive}, broadening {c.Broadening}, figures [{string.Join(", ", c.Figures)}], parties [{string.Join(",", c.Parties)}], clouds [{string.Join(",", c.Platforms)}], day {Dates.Iso(r.Day)}");
        foreach (var m in r.Matches.Take(6))
        {
            var finding = r.Findings.FirstOrDefault(f => f.Term.Id == m.Term.Id);
            Console.Error.WriteLine($"  {m.Score:0.000} (dense {m.Dense:0.00}, words {m.Lexical:0.00}, names {m.Entities:0.00}) {m.Term.Id}{(finding is null ? "" : $" → {finding.Truth}: {finding.Reason}")}");
        }
        foreach (var e in r.Evidence.Take(15))
        {
            var stances = string.Join("; ", e.Clauses.Select(c => $"{c.Stance} {string.Join("/", c.Layers)} ({c.Rule})"));
            Err.MarkupLineInterpolated($"[grey]{e.Score:0.00} rel {e.Relevance:0.00} {Dates.Iso(e.Document.Date)} [[{string.Join(",", e.Layers)}]] {stances}[/]\n    {e.Quote}");
        }
    }

    private static Command MigrateCommand()
    {
        var to = new Option<string>("--to") { Description = "Where to copy the embedded index: qdrant (Qdrant__Endpoint, Qdrant__ApiKey, Qdrant__Collection)", Required = true };
        to.AcceptOnlyFromAmong(IndexSettings.Qdrant);
        var cmd = new Command("migrate", "Copy the embedded SQLite index into Qdrant with its vectors (nothing is re-embedded), then swap it in under the collection alias") { to };
        cmd.SetAction(async (pr, ct) => await Run(async () =>
        {
            using var host = CliHost.Build(pr);
            IIndexStore source = host.Services.GetRequiredService<SqliteIndexStore>();
            IIndexStore target = host.Services.GetRequiredService<QdrantIndexStore>();
            using var index = await source.OpenAsync(ct).ConfigureAwait(false);
            var copied = 0;
            await Err.Progress().StartAsync(async ctx =>
            {
                var task = ctx.AddTask($"Copying {index.ChunkCount} chunks");
                task.MaxValue = Math.Max(1, index.ChunkCount);
                copied = await IndexMigration.CopyAsync(index, target, new SyncProgress<(int Done, int Total)>(p => task.Value = p.Done), ct).ConfigureAwait(false);
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
        var store = new Option<string?>("--store") { Description = "A host's SQLite review log (default: where Storage__* says — bot.db beside the index, or the Azure table)" };
        var cmd = new Command("report", "The content owners' review queue: unanswered questions, negative feedback, most asked questions") { since, format, store };
        cmd.SetAction(async (pr, ct) => await Run(async () =>
        {
            using var host = CliHost.Build(pr);
            var day = pr.GetValue(since) is { } s ? Dates.Parse(s, "--since") : (DateOnly?)null;
            Console.Write(await ReviewReport.RenderAsync(ReviewLogOf(host, pr.GetValue(store)), day, pr.GetValue(format)!, ct).ConfigureAwait(false));
            return 0;
        }).ConfigureAwait(false));
        return cmd;
    }

    /// <summary>The review log the host writes: the file given, else the configured one (a SQLite file must exist already).</summary>
    private static IReviewLog ReviewLogOf(IHost host, string? file)
    {
        if (file is null && host.Services.GetRequiredService<IOptions<StorageSettings>>().Value.IsAzure)
            return host.Services.GetRequiredService<IReviewLog>();
        var path = file ?? DurableSqlite.DefaultPath(Settings(host));
        if (!File.Exists(path))
            throw new ArgumentException($"No review log at {path}: the bot host writes it as people ask (or pass --store PATH, or set Storage__Provider=azure for the shared one).");
        return new SqliteReviewLog(path);
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
            using var host = CliHost.Build(pr);
            var teamsDir = pr.GetValue(dir) ?? Path.Combine(Path.GetDirectoryName(Settings(host).Corpus!)!, "bot", "teams");
            var publisher = new TeamsPublisher(pr.GetValue(developer), pr.GetValue(website), pr.GetValue(privacy), pr.GetValue(terms));
            foreach (var warning in TeamsPackage.Write(teamsDir, pr.GetValue(appId)!, pr.GetValue(output)!, publisher))
                Console.Error.WriteLine($"warning: {warning}");
            Out.MarkupLineInterpolated($"Wrote {pr.GetValue(output)}: upload it in Teams (Apps > Manage your apps > Upload an app).");
            return Task.FromResult(0);
        }).ConfigureAwait(false));
        return cmd;
    }

    private static void PrintSources(IHost host)
    {
        var table = new Table().AddColumns("date", "confidence", "title", "path").Border(TableBorder.Simple);
        foreach (var d in Served(host).Index.Documents)
        {
            table.AddRow(Dates.Iso(d.Info.Date) + (d.Info.DateInferred ? "*" : ""),
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

    /// <summary>A host whose index is open (built first on first use, with progress on stderr).</summary>
    private static async Task<IHost> StartAsync(ParseResult pr, CancellationToken ct)
    {
        var host = CliHost.Build(pr);
        try
        {
            var progress = new SyncProgress<IngestProgress>(p =>
            {
                if (p.Stage == "embed" && p.Total > 0 && (p.Done == p.Total || p.Done % 64 == 0))
                    Err.MarkupLineInterpolated($"[grey]  embedded {p.Done}/{p.Total} chunks[/]");
            });
            await host.Services.GetRequiredService<IndexLifecycle>().StartAsync(progress,
                r => Err.MarkupLineInterpolated($"[grey]Indexed {r.Documents} documents, {r.Chunks} chunks in {r.Elapsed.TotalSeconds:0.0} s.[/]"), ct).ConfigureAwait(false);
            return host;
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }

    private static AssistantSettings Settings(IHost host) => host.Services.GetRequiredService<IOptions<AssistantSettings>>().Value;

    private static IndexView Served(IHost host) => host.Services.GetRequiredService<ServedIndex>().Current;

    /// <summary>The path citations are relative to: the corpus folder's parent (the repository root here).</summary>
    private static string Root(IHost host) => Path.GetDirectoryName(Settings(host).Corpus!)!;

    private static string CheckedQuestion(string? text, IHost host) =>
        QuestionValidator.Problem(text, Settings(host).MaxQuestionLength) is { } problem ? throw new ArgumentException(problem) : text!.Trim();

    private static IReadOnlyList<string> ReadPoints(string path)
    {
        if (!File.Exists(path))
            throw new ArgumentException($"--file: {path} not found");
        var points = File.ReadAllLines(path).Select(l => l.Trim().TrimStart('-', '*', '\u2022').Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        return points.Count > 0 ? points : throw new ArgumentException($"--file: {path} has no talking points (one per line)");
    }

    private static DateOnly? AsOf(ParseResult pr) => pr.GetValue(AsOfOption) is { } s ? Dates.Parse(s, "--as-of") : null;

    private static string P(double v) => v.ToString("0.00", CultureInfo.InvariantCulture);

    private static async Task<int> Run(Func<Task<int>> action)
    {
        try
        {
            return await action().ConfigureAwait(false);
        }
        catch (OptionsValidationException e)
        {
            foreach (var failure in e.Failures)
                Console.Error.WriteLine($"error: {failure}");
            return 1;
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
