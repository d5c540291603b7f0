using System.Numerics.Tensors;
using Assistant.Core;
using Assistant.Core.Ledger;

namespace Assistant.Answering.Ledger;

/// <summary>A term a claim was matched to, how well, and through which of its wordings.</summary>
/// <param name="Dense">Cosine similarity of the claim's embedding with the closest wording.</param>
/// <param name="Lexical">Share of the claim's idf-weighted content words the term's wordings use.</param>
/// <param name="Wording">The statement or phrasing closest to the claim.</param>
public sealed record TermMatch(Term Term, double Score, double Dense, double Lexical, double Entities, string Wording);

/// <summary>Matches a claim to the ledger's terms: dense similarity over statements and phrasings, the share of the
/// claim's words the term uses, and agreement of the parties and clouds named.</summary>
public sealed class LedgerMatcher
{
    private readonly TermsLedger _ledger;
    private readonly IReadOnlyList<TermVector> _vectors;
    private readonly ClaimReader _reader;
    private readonly AnsweringSettings _settings;
    private readonly Dictionary<string, HashSet<string>> _stems = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<HashSet<string>>> _wordings = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<double>> _wordingMass = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<string>> _statementOrder = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> _quotes = new(StringComparer.Ordinal);

    private readonly Dictionary<string, double> _idf = new(StringComparer.Ordinal);
    private readonly HashSet<string> _known;
    private readonly double _maxIdf;

    public LedgerMatcher(TermsLedger ledger, IReadOnlyList<TermVector> vectors, ClaimReader reader, AnsweringSettings settings, IEnumerable<string> corpusStems)
    {
        _ledger = ledger;
        _vectors = vectors;
        _reader = reader;
        _settings = settings;
        foreach (var term in ledger.Terms)
        {
            _wordings[term.Id] = [.. term.Texts.Select(t => Stems(reader.Lexicon.Normalize(t)).SelectMany(reader.Lexicon.SynonymsOf).ToHashSet(StringComparer.Ordinal))];
            _stems[term.Id] = _wordings[term.Id].SelectMany(w => w).ToHashSet(StringComparer.Ordinal);
            _quotes[term.Id] = Stems(string.Join(' ', term.States.SelectMany(st => st.Sources.Select(src => src.Quote))))
                .SelectMany(reader.Lexicon.SynonymsOf).Concat(_stems[term.Id]).ToHashSet(StringComparer.Ordinal);
        }
        var n = Math.Max(1, ledger.Terms.Count);
        foreach (var stem in _stems.Values.SelectMany(s => s).Distinct())
        {
            var df = _stems.Values.Count(s => s.Contains(stem));
            _idf[stem] = Math.Log(1 + ((n - df + 0.5) / (df + 0.5)));
        }
        _maxIdf = Math.Log(1 + ((n + 0.5) / 0.5));
        // What every question would otherwise recompute per term: each wording's idf mass, the parties each statement names in order.
        foreach (var term in ledger.Terms)
        {
            _wordingMass[term.Id] = [.. _wordings[term.Id].Select(w => w.Sum(x => _idf.GetValueOrDefault(x)))];
            _statementOrder[term.Id] = Order(term.Statement);
        }
        _known = corpusStems.Concat(_idf.Keys).ToHashSet(StringComparer.Ordinal);
        (_unrelated, _paraphrase) = Calibrate(ledger, vectors);
    }

    public TermsLedger Ledger => _ledger;

    public IReadOnlyList<Term> Terms => _ledger.Terms;

    private readonly double _unrelated;
    private readonly double _paraphrase;

    /// <summary>The embedding model's own scale, read off the ledger: the mean similarity of two wordings of one term
    /// (a paraphrase) and of two different terms' statements (unrelated). Dense similarity is placed on that scale, so
    /// the same weights and thresholds hold for any embedding model.</summary>
    private static (double Unrelated, double Paraphrase) Calibrate(TermsLedger ledger, IReadOnlyList<TermVector> vectors)
    {
        var byTerm = vectors.GroupBy(v => v.TermId).ToDictionary(g => g.Key, g => g.ToList());
        var same = byTerm.Values.Where(g => g.Count > 1).SelectMany(g => g.Skip(1).Select(v => (double)TensorPrimitives.CosineSimilarity(g[0].Vector.Span, v.Vector.Span))).ToList();
        var heads = byTerm.Values.Select(g => g[0]).ToList();
        var different = heads.SelectMany((a, i) => heads.Skip(i + 1).Select(b => (double)TensorPrimitives.CosineSimilarity(a.Vector.Span, b.Vector.Span))).ToList();
        if (same.Count == 0 || different.Count == 0)
            return (0, 1);
        return (different.Average(), same.Average());
    }

    /// <summary>Cosine similarity on the ledger's own scale: 0 = as alike as two unrelated terms, 1 = as alike as two wordings of one term.</summary>
    private double Scaled(double cosine) => Math.Clamp((cosine - _unrelated) / Math.Max(0.01, _paraphrase - _unrelated), -0.5, 1.5);

    /// <summary>Terms ranked by how well they match the claim, best first (at most <paramref name="top"/>).</summary>
    public IReadOnlyList<TermMatch> Match(Claim claim, ReadOnlyMemory<float> vector, int top = 24)
    {
        if (_ledger.Terms.Count == 0)
            return [];
        var dense = new Dictionary<string, (double Similarity, string Text)>(StringComparer.Ordinal);
        foreach (var v in _vectors)
        {
            if (v.Vector.Length != vector.Length)
                continue;
            var similarity = TensorPrimitives.CosineSimilarity(vector.Span, v.Vector.Span);
            if (!dense.TryGetValue(v.TermId, out var best) || similarity > best.Similarity)
                dense[v.TermId] = (similarity, v.Text);
        }
        var words = ClaimWords(claim);
        var order = Order(claim.Normalized);
        return _ledger.Terms
            .Select(t =>
            {
                var (cosine, text) = dense.GetValueOrDefault(t.Id, (0, t.Statement));
                var similarity = Scaled(cosine);
                var lexical = Math.Max(Lexical(words, t), _settings.QuoteShare * Covered(words, _quotes[t.Id]));
                var entities = EntityAgreement(claim, t);
                var score = (_settings.DenseWeight * similarity) + (_settings.LexicalWeight * lexical) + (_settings.EntityWeight * entities)
                    + (SharesFigure(claim, t) || (claim.AsksAmount && HasFigures(t)) ? _settings.FigureWeight : 0)
                    - (Reversed(order, t) ? _settings.ReversedPartiesPenalty : 0);
                return new TermMatch(t, score, similarity, lexical, entities, text);
            })
            .OrderByDescending(m => m.Score)
            .Take(top)
            .ToList();
    }

    /// <summary>The claim's content stems with their weights: words the ledger uses weigh their idf; words the corpus never
    /// uses (typos, filler, unknown names) weigh half the highest idf, so an off-topic claim stays poorly covered.</summary>
    private List<(string Stem, double Weight)> ClaimWords(Claim claim)
    {
        var meta = _reader.Lexicon.MetaTerms;
        return Stems(claim.Subject)
            .Where(s => !meta.Contains(s))
            .Distinct()
            .Select(s => (s, _reader.Lexicon.SynonymsOf(s).Select(x => _idf.GetValueOrDefault(x)).DefaultIfEmpty().Max() is var idf and > 0 ? idf
                : _known.Contains(s) ? 0.5 * _maxIdf : _settings.UnknownWordWeight * _maxIdf))
            .ToList();
    }

    /// <summary>The claim's words that neither the term's wordings nor its quotes use (synonyms counted), with the share of
    /// the claim's weight they carry. Names, figures and restrictions ("purely") are left out (the reasoner judges them), as are
    /// words no source uses (filler, typos).</summary>
    public (IReadOnlyList<string> Words, double Share) Uncovered(Claim claim, Term term)
    {
        var judged = _reader.Named(claim.Normalized).SelectMany(e => e.Patterns.SelectMany(p => p)).Select(Core.Terms.Stem).ToHashSet(StringComparer.Ordinal);
        judged.UnionWith(claim.Figures.SelectMany(f => Stems(f.Text)));
        judged.UnionWith(_reader.StructureWords(claim.Normalized).Select(Core.Terms.Stem));
        var words = ClaimWords(claim).Where(w => !judged.Contains(w.Stem) && (_idf.ContainsKey(w.Stem) || _known.Contains(w.Stem))).ToList();
        var total = words.Sum(w => w.Weight);
        var missing = words.Where(w => !_reader.Lexicon.SynonymsOf(w.Stem).Any(_quotes[term.Id].Contains)).ToList();
        return total == 0 ? ([], 0) : (missing.Select(w => w.Stem).ToList(), missing.Sum(w => w.Weight) / total);
    }

    /// <summary>Share of the claim's weighted words found in <paramref name="stems"/>.</summary>
    private double Covered(List<(string Stem, double Weight)> words, HashSet<string> stems)
    {
        var total = words.Sum(w => w.Weight);
        return total == 0 ? 0 : words.Where(w => _reader.Lexicon.SynonymsOf(w.Stem).Any(stems.Contains)).Sum(w => w.Weight) / total;
    }

    /// <summary>Whether a figure the claim names is one of the term's (in any state).</summary>
    private static bool SharesFigure(Claim claim, Term term) =>
        claim.Figures.Count > 0 && term.States.SelectMany(s => ClaimReader.FiguresOfTerm(s.Figures)).Any(f => claim.Figures.Any(f.Agrees));

    /// <summary>Whether the term gives an amount in any state: what "how much" and "how large" ask for.</summary>
    private static bool HasFigures(Term term) => term.States.Any(s => s.Figures.Count > 0);

    /// <summary>Whether the claim (the parties it names, in order) names the term statement's first two parties in the opposite order.</summary>
    private bool Reversed(List<string> inClaim, Term term)
    {
        var inStatement = _statementOrder[term.Id];
        return inStatement.Count >= 2 && inClaim.Count >= 2 && inClaim.Contains(inStatement[0]) && inClaim.Contains(inStatement[1])
            && inClaim.IndexOf(inStatement[0]) > inClaim.IndexOf(inStatement[1]);
    }

    /// <summary>The parties a text names, in the order it names them (a cloud stands for its company).</summary>
    private List<string> Order(string text)
    {
        var words = Core.Terms.Words(text).ToList();
        var found = new List<(int At, string Id)>();
        foreach (var e in _reader.Lexicon.Entities)
        {
            foreach (var pattern in e.Patterns)
            {
                for (var i = 0; i + pattern.Length <= words.Count; i++)
                {
                    var k = 0;
                    while (k < pattern.Length && words[i + k] == pattern[k])
                        k++;
                    if (k == pattern.Length)
                        found.Add((i, e.Owner ?? e.Id));
                }
            }
        }
        return found.OrderBy(f => f.At).Select(f => f.Id).Distinct().ToList();
    }

    /// <summary>The best wording's overlap with the claim: idf mass shared, over the geometric mean of both sides' mass
    /// (so a short claim does not fully match a long, more specific wording, nor the reverse).</summary>
    private double Lexical(List<(string Stem, double Weight)> words, Term term)
    {
        var total = words.Sum(w => w.Weight);
        if (total == 0)
            return 0;
        var best = 0.0;
        var wordings = _wordings[term.Id];
        for (var i = 0; i < wordings.Count; i++)
        {
            var wording = wordings[i];
            var shared = words.Where(w => _reader.Lexicon.SynonymsOf(w.Stem).Any(wording.Contains)).Sum(w => w.Weight);
            var own = _wordingMass[term.Id][i];
            best = Math.Max(best, shared / Math.Sqrt(total * Math.Max(shared, own)));
        }
        return best;
    }

    /// <summary>+1 for each specific party or cloud the claim and the term share, -1 for each the claim names that the term
    /// does not (a rival cloud in place of the term's is neither: it is the claim's point). The partners themselves count a third.</summary>
    private double EntityAgreement(Claim claim, Term term)
    {
        var owners = term.Platforms.Select(p => _reader.Lexicon.Entities.FirstOrDefault(e => e.Id == p)?.Owner).OfType<string>();
        var parties = term.Parties.Concat(owners).ToHashSet(StringComparer.Ordinal);
        var score = 0.0;
        foreach (var p in claim.Parties)
        {
            var weight = p is "openai" or "microsoft" ? 1.0 / 3 : 1.0;
            var rivalOwner = claim.Platforms.Any(l => _reader.Lexicon.Entities.FirstOrDefault(e => e.Id == l)?.Owner == p) && term.Platforms.Count > 0;
            score += parties.Contains(p) ? weight : rivalOwner ? 0 : -weight;
        }
        foreach (var l in claim.Platforms.Where(l => l != NamedEntity.AnyPlatform))
            score += term.Platforms.Contains(l) || term.Platforms.Contains(NamedEntity.AnyPlatform) ? 1 : term.Platforms.Count > 0 ? 0 : -0.5;
        // A term about a specific party the claim never mentions (the Pentagon, SoftBank) is about something else.
        var mentioned = claim.Parties.Concat(claim.Platforms).ToHashSet(StringComparer.Ordinal);
        // Government parties are often implied ("top-secret use", "classified network"), so only companies count here.
        // One penalty however many: a term listing several investors is no more about something else than one naming one.
        if (term.Parties.Any(p => p is not ("openai" or "microsoft" or "us-government" or "us-department-of-war") && !mentioned.Contains(p) && !term.Platforms.Any(l => Owner(l) == p && mentioned.Contains(l))))
            score -= 0.25;
        return Math.Tanh(score / 2);
    }

    // "own" is a stop word for passages ("its own cloud") but a verb of the terms ("Microsoft owns 27%").
    private string? Owner(string platform) => _reader.Lexicon.Entities.FirstOrDefault(e => e.Id == platform)?.Owner;

    private static IEnumerable<string> Stems(string text) =>
        Core.Terms.Words(text).Where(w => !Core.Terms.IsStopWord(w) || w == "own").Select(Core.Terms.Stem);
}
