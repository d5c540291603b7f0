namespace Assistant.Core.Ledger;

/// <summary>Checks the ledger against the corpus it is written from: every quote verbatim in its document, no state
/// dated before its source, states in strictly increasing order, low-confidence sources only for reported or disputed
/// states, and no unknown id (document, term, layer, party, platform).</summary>
public static class TermsLedgerValidator
{
    private static readonly string[] NegativeWords = ["not", "never", "no", "longer", "nor", "cannot", "isnt", "doesnt", "dont", "wont"];

    /// <summary>Every problem found, each naming the term and the field; empty when the ledger can be used.</summary>
    public static IReadOnlyList<string> Problems(TermsLedger ledger, IReadOnlyDictionary<string, SourceDocument> documents,
        LayerTaxonomy taxonomy, Lexicon lexicon)
    {
        var problems = new List<string>();
        var parties = lexicon.Entities.Select(e => e.Id).ToHashSet(StringComparer.Ordinal);
        var platforms = lexicon.Entities.Where(e => e.IsPlatform).Select(e => e.Id).Append(NamedEntity.AnyPlatform).ToHashSet(StringComparer.Ordinal);
        foreach (var group in ledger.Terms.GroupBy(t => t.Id).Where(g => g.Count() > 1))
            problems.Add($"term '{group.Key}': the id is used {group.Count()} times");
        foreach (var term in ledger.Terms)
        {
            var name = $"term '{term.Id}'";
            if (!taxonomy.ById.ContainsKey(term.Layer))
                problems.Add($"{name}, layer: '{term.Layer}' is not a layer id ({string.Join(", ", LayerTaxonomy.Ids)})");
            if (Terms.Words(term.Statement).Any(NegativeWords.Contains))
                problems.Add($"{name}, statement: state the proposition in positive form (without not/never/no longer): \"{term.Statement}\"");
            problems.AddRange(term.Parties.Where(p => !parties.Contains(p)).Select(p => $"{name}, parties: '{p}' is not an entity of lexicon.yaml"));
            problems.AddRange(term.Platforms.Where(p => !platforms.Contains(p)).Select(p => $"{name}, platforms: '{p}' is not a cloud of lexicon.yaml (or 'any')"));
            for (var i = 0; i < term.States.Count; i++)
                problems.AddRange(StateProblems(ledger, documents, term, i).Select(p => $"{name}, states[{i}]{p}"));
        }
        return problems;
    }

    private static IEnumerable<string> StateProblems(TermsLedger ledger, IReadOnlyDictionary<string, SourceDocument> documents, Term term, int i)
    {
        var state = term.States[i];
        if (i > 0 && state.From <= term.States[i - 1].From)
            yield return $", from: {Dates.Iso(state.From)} is not after the previous state's {Dates.Iso(term.States[i - 1].From)} (states must not overlap)";
        if (state.ReplacedBy is { } next && !ledger.ById.ContainsKey(next))
            yield return $", replaced_by: no term has the id '{next}'";
        var cited = new List<DocumentInfo>();
        for (var k = 0; k < state.Sources.Count; k++)
        {
            var source = state.Sources[k];
            if (!documents.TryGetValue(source.Doc, out var doc))
            {
                yield return $".sources[{k}].doc: no corpus document has the id '{source.Doc}'";
                continue;
            }
            cited.Add(doc.Info);
            if (!QuoteText.Occurs(source.Quote, doc.Text))
                yield return $".sources[{k}].quote: not found word for word in '{source.Doc}' ({doc.Info.Path}): \"{Clip(source.Quote)}\"";
            if (state.From < doc.Info.Date)
                yield return $".from: {Dates.Iso(state.From)} is before its source '{source.Doc}' ({Dates.Iso(doc.Info.Date)})";
        }
        if (cited.Count > 0 && cited.All(d => d.Confidence == Confidence.Low) && state.Status is not (TermStatus.Reported or TermStatus.Disputed))
            yield return ".status: a state backed only by low-confidence documents can only be 'reported' or 'disputed'";
    }

    private static string Clip(string s) => s.Length <= 80 ? s : s[..77] + "...";
}
