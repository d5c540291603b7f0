using System.Text.RegularExpressions;
using Assistant.Core;

namespace Assistant.Ingestion;

/// <summary>Structure-aware chunking: headings become the section path, bullets stay whole, sentences are never cut.</summary>
/// <remarks>
/// Chunks tile the document: each chunk's text is <c>text[Start..End]</c>, chunks are in order and the text
/// between them is whitespace only, so offsets always lead back to the source for verbatim quotes.
/// </remarks>
public sealed partial class Chunker(LayerTagger tagger, int maxChars = 700)
{
    /// <summary>Bump when chunk boundaries or tags change, so unchanged files are re-chunked anyway.</summary>
    public const int Version = 4;

    private enum Kind
    {
        Heading,
        Bullet,
        Paragraph,
    }

    private sealed record Block(Kind Kind, int Start, int End, int ContentStart, int Level, string? Label);

    [GeneratedRegex(@"^(#{1,6})\s+\S")]
    private static partial Regex MarkdownHeading();

    [GeneratedRegex(@"^\s*([-*+\u2022])(\s+|$)")]
    private static partial Regex BulletMarker();

    [GeneratedRegex(@"^\d{1,2}[.)]\s+\S")]
    private static partial Regex Numbered();

    [GeneratedRegex(@"^([A-Z\u2018\u201C'""][^:.!?]{1,60}):\s+\S")]
    private static partial Regex Label();

    public IReadOnlyList<Chunk> Chunk(SourceDocument document)
    {
        var text = document.Text;
        var blocks = Blocks(text, document.Info.Title);
        var chunks = new List<Chunk>();
        var path = new List<(int Level, string Text)>();
        var pendingStart = -1;
        var members = new List<Block>();
        string? section = null;

        void Flush()
        {
            if (members.Count == 0)
                return;
            var start = pendingStart >= 0 ? Math.Min(pendingStart, members[0].Start) : members[0].Start;
            chunks.Add(Build(document, chunks.Count, section ?? "", start, members[^1].End, members));
            members.Clear();
            pendingStart = -1;
        }

        foreach (var b in blocks)
        {
            if (b.Kind == Kind.Heading)
            {
                Flush();
                if (pendingStart < 0)
                    pendingStart = b.Start;
                path.RemoveAll(p => p.Level >= b.Level);
                path.Add((b.Level, text[b.ContentStart..b.End].Trim()));
                continue;
            }
            var blockSection = string.Join(" > ", path.Where(p => p.Level >= 2).Select(p => p.Text)
                .Append(b.Label).OfType<string>());
            if (members.Count > 0 && (blockSection != section || b.End - members[0].Start > maxChars))
                Flush();
            section = blockSection;
            foreach (var piece in SplitLong(text, b))
            {
                if (members.Count > 0 && piece.End - members[0].Start > maxChars)
                    Flush();
                members.Add(piece);
            }
        }
        Flush();
        if (pendingStart >= 0)
        {
            // Headings with nothing after them join the last chunk (or make one), so chunks still tile the text.
            var end = blocks[^1].End;
            if (chunks.Count > 0)
            {
                var last = chunks[^1];
                chunks[^1] = last with { End = end, Text = text[last.Start..end] };
            }
            else
            {
                var heading = blocks.Where(b => b.Kind == Kind.Heading).Select(b => b with { Kind = Kind.Paragraph }).ToList();
                chunks.Add(Build(document, 0, "", pendingStart, end, heading));
            }
        }
        return chunks;
    }

    private Chunk Build(SourceDocument document, int ordinal, string section, int start, int end, List<Block> members)
    {
        var text = document.Text;
        var sectionLayers = tagger.Tag(section);
        var sectionScores = tagger.Score(section).ToDictionary(kv => kv.Key, kv => kv.Value);
        var fallback = sectionLayers.Count > 0 ? sectionLayers : document.Info.Layers;
        var sentences = new List<SentenceSpan>();
        foreach (var m in members)
        {
            var contentStart = m.ContentStart;
            foreach (var (s, e) in SentenceSplitter.Split(text, contentStart, m.End))
            {
                var layers = SentenceLayers(text[s..e], sectionScores);
                sentences.Add(new SentenceSpan(s, e, layers.Count > 0 ? layers : fallback));
            }
        }
        var chunkLayers = tagger.Taxonomy.Order(sentences.SelectMany(s => s.Layers).Concat(sectionLayers));
        return new Chunk(document.Info.Id, ordinal, section, text[start..end], start, end, chunkLayers, sentences);
    }

    /// <summary>A sentence's own cues, plus half the weight of its heading's: a bullet under "Key Areas to Monitor" is about the market.</summary>
    private IReadOnlyList<string> SentenceLayers(string sentence, IReadOnlyDictionary<string, int> sectionScores)
    {
        var own = tagger.Score(sentence).ToDictionary(kv => kv.Key, kv => kv.Value);
        return own.Keys
            .Union(sectionScores.Keys)
            .Select(id => (Id: id, Score: own.GetValueOrDefault(id) + (sectionScores.GetValueOrDefault(id) / 2.0)))
            .Where(x => x.Score >= 2)
            .OrderByDescending(x => x.Score)
            .Select(x => x.Id)
            .ToList();
    }

    private IEnumerable<Block> SplitLong(string text, Block b)
    {
        if (b.Kind == Kind.Bullet || b.End - b.Start <= maxChars)
        {
            yield return b;
            yield break;
        }
        var start = b.Start;
        var contentStart = b.ContentStart;
        var last = start;
        foreach (var (_, e) in SentenceSplitter.Split(text, b.ContentStart, b.End))
        {
            if (e - start > maxChars && last > start)
            {
                yield return b with { Start = start, End = last, ContentStart = contentStart };
                start = NextNonSpace(text, last);
                contentStart = start;
            }
            last = e;
        }
        yield return b with { Start = start, End = b.End, ContentStart = contentStart, Label = start == b.Start ? b.Label : null };
    }

    private static int NextNonSpace(string text, int i)
    {
        while (i < text.Length && char.IsWhiteSpace(text[i]))
            i++;
        return i;
    }

    private static List<Block> Blocks(string text, string title)
    {
        var lines = Lines(text);
        var markdownHeadings = lines.Any(l => MarkdownHeading().IsMatch(text[l.Start..l.End]));
        var foldedTitle = TextFolding.Fold(title);
        var blocks = new List<Block>();
        for (var i = 0; i < lines.Count; i++)
        {
            var (s, e) = lines[i];
            var line = text[s..e];
            if (line.Trim().Length == 0)
                continue;
            var next = NextContentLine(lines, text, i + 1);
            var md = MarkdownHeading().Match(line);
            if (md.Success)
            {
                blocks.Add(new Block(Kind.Heading, s, e, s + md.Groups[1].Length, md.Groups[1].Length, null));
                continue;
            }
            var bullet = BulletMarker().Match(line);
            if (bullet.Success)
            {
                var contentStart = s + bullet.Length;
                var end = e;
                if (line.Trim().Length == 1 && next >= 0)
                {
                    // A lone "-" line: the bullet's text is the next line.
                    contentStart = lines[next].Start;
                    end = lines[next].End;
                    i = next;
                }
                var content = text[contentStart..end];
                blocks.Add(new Block(Kind.Bullet, s, end, contentStart, 0, LabelOf(content)));
                continue;
            }
            if (!markdownHeadings && next >= 0 && UnmarkedHeadingLevel(line, foldedTitle) is int level)
            {
                blocks.Add(new Block(Kind.Heading, s, e, s, level, null));
                continue;
            }
            if (blocks.Count > 0 && blocks[^1].Kind == Kind.Paragraph && blocks[^1].End == PreviousLineEnd(lines, i)
                && IsSoftWrap(text[blocks[^1].Start..blocks[^1].End], line))
            {
                blocks[^1] = blocks[^1] with { End = e };
                continue;
            }
            blocks.Add(new Block(Kind.Paragraph, s, e, s, 0, null));
        }
        return blocks;
    }

    private static string? LabelOf(string content)
    {
        var m = Label().Match(content);
        if (!m.Success)
            return null;
        var label = m.Groups[1].Value.Trim();
        return label.Split(' ').Length <= 8 && TitleLike(label) ? label : null;
    }

    private static int PreviousLineEnd(List<(int Start, int End)> lines, int i) => i > 0 ? lines[i - 1].End : -1;

    private static bool IsSoftWrap(string previous, string line) =>
        !".!?:;\"'\u201D\u2019".Contains(previous.TrimEnd()[^1]) && line.Length > 0 && char.IsLower(line.TrimStart()[0]);

    private static int? UnmarkedHeadingLevel(string line, string foldedTitle)
    {
        var t = line.Trim();
        if (TextFolding.Fold(t) == foldedTitle)
            return 1;
        if (t.Length > 100 || ".,;:!?".Contains(t[^1]) || !(char.IsUpper(t[0]) || char.IsDigit(t[0])))
            return null;
        var numbered = Numbered().IsMatch(t);
        var words = (numbered ? t[(t.IndexOf(' ') + 1)..] : t).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words.Length > 14 || !TitleLike(string.Join(' ', words)))
            return null;
        return numbered ? 3 : 2;
    }

    /// <summary>Most longer words start with a capital, as in a heading or a bullet label.</summary>
    private static bool TitleLike(string s)
    {
        var words = s.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(w => w.TrimStart('\u2018', '\u201C', '\'', '"', '('))
            .Where(w => w.Length >= 4)
            .ToList();
        if (words.Count == 0)
            return s.Length > 0 && char.IsUpper(s.TrimStart('\u2018', '\u201C', '\'', '"')[0]);
        return words.Count(w => char.IsUpper(w[0])) >= Math.Ceiling(words.Count * 0.6);
    }

    private static int NextContentLine(List<(int Start, int End)> lines, string text, int from)
    {
        for (var j = from; j < lines.Count; j++)
        {
            if (text[lines[j].Start..lines[j].End].Trim().Length > 0)
                return j;
        }
        return -1;
    }

    private static List<(int Start, int End)> Lines(string text)
    {
        var lines = new List<(int, int)>();
        var s = 0;
        for (var i = 0; i <= text.Length; i++)
        {
            if (i == text.Length || text[i] == '\n')
            {
                var e = i;
                if (e > s && text[e - 1] == '\r')
                    e--;
                lines.Add((s, e));
                s = i + 1;
            }
        }
        return lines;
    }
}
