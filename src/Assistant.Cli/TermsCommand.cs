using System.CommandLine;
using System.Text.Json;
using Assistant.Answering;
using Assistant.Core;
using Assistant.Core.Ledger;
using Assistant.Hosting.Timeline;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace Assistant.Cli;

/// <summary>`assistant terms`: the terms ledger the served index holds, or the terms in force on a day.</summary>
internal static class TermsCommand
{
    public static Command Build(Option<string?> asOfOption, Option<bool> jsonOption, Func<ParseResult, CancellationToken, Task<Microsoft.Extensions.Hosting.IHost>> start,
        Func<Func<Task<int>>, Task<int>> run)
    {
        var layer = new Option<string?>("--layer") { Description = "Only the terms of this layer (infrastructure, orchestration, capital, government, governance, ip, market)" };
        var html = new Option<string?>("--html") { Description = "Write the terms as a timeline (lanes per layer over time, each term's quotes) to this self-contained HTML file" };
        var cmd = new Command("terms", "The terms ledger: every term with its dated states, or with --as-of the terms and their state on that day") { asOfOption, layer, jsonOption, html };
        cmd.SetAction(async (pr, ct) => await run(async () =>
        {
            var asOf = pr.GetValue(asOfOption) is { } s ? Dates.Parse(s, "--as-of") : (DateOnly?)null;
            var only = pr.GetValue(layer);
            if (only is not null && !LayerTaxonomy.Ids.Contains(only))
                throw new ArgumentException($"--layer: '{only}' is not one of {string.Join(", ", LayerTaxonomy.Ids)}");
            using var host = await start(pr, ct).ConfigureAwait(false);
            var view = host.Services.GetRequiredService<ServedIndex>().Current;
            var terms = view.Index.Ledger.Terms.Where(t => only is null || t.Layer == only)
                .Where(t => asOf is not { } day || t.StateOn(day) is not null).ToList();
            if (pr.GetValue(html) is { } file)
            {
                var timeline = new TermsTimeline(view.Index.Ledger, host.Services.GetRequiredService<LayerTaxonomy>(),
                    view.Index.Documents.ToDictionary(d => d.Info.Id, d => d.Info, StringComparer.Ordinal));
                var shown = new TimelineView { Today = DateOnly.FromDateTime(DateTime.UtcNow), AsOf = asOf, Layer = only };
                File.WriteAllText(file, timeline.Page(shown));
                Console.WriteLine($"{timeline.Lanes(shown).Sum(l => l.Terms.Count)} terms drawn to {file}");
                return 0;
            }
            if (pr.GetValue(jsonOption))
            {
                Console.WriteLine(JsonSerializer.Serialize(terms.Select(t => asOf is { } day ? t with { States = [.. t.History(day)] } : t), TermsLedger.Json));
                return 0;
            }
            var taxonomy = host.Services.GetRequiredService<LayerTaxonomy>();
            var output = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Out) });
            foreach (var group in terms.GroupBy(t => t.Layer).OrderBy(g => LayerTaxonomy.IndexOf(g.Key)))
            {
                output.Write(new Rule($"[bold]{Markup.Escape(taxonomy.NameOf(group.Key))}[/]").LeftJustified());
                var table = new Table().AddColumns("term", asOf is null ? "states" : $"on {Dates.Iso(asOf.Value)}").Border(TableBorder.Simple).Expand();
                foreach (var t in group)
                {
                    var states = asOf is { } day ? [t.StateOn(day)!] : t.States;
                    table.AddRow(new Markup($"[bold]{Markup.Escape(t.Id)}[/]\n{Markup.Escape(t.Statement)}"),
                        new Markup(string.Join("\n", states.Select(Describe))));
                }
                output.Write(table);
            }
            output.MarkupLineInterpolated($"[grey]{terms.Count} terms · ledger {view.Index.Ledger.Hash[..12]} · corpus/{TermsLedgerFile.FileName}[/]");
            return 0;
        }).ConfigureAwait(false));
        return cmd;
    }

    private static string Describe(TermState s)
    {
        var figures = s.Figures.Count == 0 ? "" : $" ({string.Join(", ", s.Figures)})";
        var extra = s.ReplacedBy is null ? "" : $" → {s.ReplacedBy}";
        var by = s.By is null ? "" : $" by {s.By}";
        return Markup.Escape($"{Dates.Iso(s.From)} {s.Status.ToString()}{by}{figures}{extra} [{string.Join(", ", s.Sources.Select(x => x.Doc).Distinct())}]");
    }
}
