using System.Globalization;
using System.Text;

namespace Assistant.Core;

/// <summary>Folding used wherever text is compared: typographic quotes and dashes to ASCII, whitespace collapsed, lower case.</summary>
public static class TextFolding
{
    public static string Fold(string text)
    {
        var sb = new StringBuilder(text.Length);
        var space = false;
        foreach (var raw in text)
        {
            var c = FoldChar(raw);
            if (char.IsWhiteSpace(c))
            {
                space = sb.Length > 0;
                continue;
            }
            if (space)
            {
                sb.Append(' ');
                space = false;
            }
            sb.Append(char.ToLowerInvariant(c));
        }
        return sb.ToString();
    }

    public static char FoldChar(char c) => c switch
    {
        '\u2018' or '\u2019' or '\u201A' or '\u2032' => '\'',
        '\u201C' or '\u201D' or '\u201E' or '\u2033' => '"',
        '\u2010' or '\u2011' or '\u2012' or '\u2013' or '\u2014' or '\u2015' or '\u2212' => '-',
        '\u00A0' or '\u2009' or '\u202F' => ' ',
        _ => c,
    };
}

/// <summary>Splits text into sentences without cutting abbreviations such as "U.S." or "e.g.".</summary>
public static class SentenceSplitter
{
    private static readonly HashSet<string> Abbreviations = new(StringComparer.OrdinalIgnoreCase)
    {
        "u.s", "e.g", "i.e", "vs", "inc", "corp", "co", "ltd", "mr", "mrs", "ms", "dr", "no", "st", "jr", "sr",
        "approx", "etc", "fig", "dept", "gov", "u.k", "a.m", "p.m", "jan", "feb", "mar", "apr", "jun", "jul",
        "aug", "sep", "sept", "oct", "nov", "dec", "est", "al",
    };

    /// <summary>Sentence spans (start, end) within <paramref name="text"/>[<paramref name="start"/>..<paramref name="end"/>], trimmed.</summary>
    public static IReadOnlyList<(int Start, int End)> Split(string text, int start, int end)
    {
        var result = new List<(int, int)>();
        var s = start;
        for (var i = start; i < end; i++)
        {
            var c = text[i];
            if (c is not ('.' or '!' or '?'))
                continue;
            var j = i + 1;
            while (j < end && text[j] is '"' or '\'' or ')' or ']' or '\u201D' or '\u2019')
                j++;
            if (j < end && !char.IsWhiteSpace(text[j]))
                continue;
            var k = j;
            while (k < end && char.IsWhiteSpace(text[k]))
                k++;
            if (k < end && !StartsSentence(text[k]))
                continue;
            if (c == '.' && IsAbbreviation(text, start, i))
                continue;
            Add(result, text, s, j);
            s = k;
            i = k - 1;
        }
        Add(result, text, s, end);
        return result;
    }

    private static bool StartsSentence(char c) =>
        char.IsUpper(c) || char.IsDigit(c) || c is '"' or '\'' or '\u201C' or '\u2018' or '$' or '(' or '[';

    private static bool IsAbbreviation(string text, int floor, int dot)
    {
        var b = dot;
        while (b > floor && (char.IsLetter(text[b - 1]) || text[b - 1] == '.'))
            b--;
        var word = text[b..dot];
        if (word.Length == 0)
            return false;
        // Single capital initials ("D. E. Shaw") and dotted abbreviations ("U.S.").
        return (word.Length == 1 && char.IsUpper(word[0])) || Abbreviations.Contains(word);
    }

    private static void Add(List<(int, int)> result, string text, int s, int e)
    {
        while (s < e && char.IsWhiteSpace(text[s]))
            s++;
        while (e > s && char.IsWhiteSpace(text[e - 1]))
            e--;
        if (e > s)
            result.Add((s, e));
    }
}

/// <summary>Word terms for matching: folded, lower case, stop words dropped, lightly stemmed.</summary>
public static class Terms
{
    private static readonly HashSet<string> StopWords = new(StringComparer.Ordinal)
    {
        "a", "an", "the", "and", "or", "of", "to", "in", "on", "at", "by", "for", "with", "from", "as", "into", "about",
        "is", "are", "was", "were", "be", "been", "being", "am", "do", "does", "did", "has", "have", "had", "having",
        "it", "its", "this", "that", "these", "those", "there", "here", "their", "them", "they", "he", "she", "his", "her",
        "what", "which", "who", "whom", "whose", "when", "where", "why", "how", "can", "could", "would", "should", "will",
        "shall", "may", "might", "must", "if", "then", "than", "so", "such", "any", "all", "some", "each", "other", "else",
        "s", "t", "also", "just", "very", "more", "most", "much", "many", "up", "out", "over", "under", "again", "both",
        "between", "after", "before", "while", "during", "per", "via", "vs", "not", "no", "yes", "only", "own", "same",
        "i", "me", "my", "we", "our", "us", "you", "your", "one", "ones", "does", "doing", "get", "got", "let",
    };

    public static bool IsStopWord(string word) => StopWords.Contains(word);

    /// <summary>Raw lower-case word tokens (folded), keeping stop words; numbers keep their digits.</summary>
    public static IEnumerable<string> Words(string text)
    {
        var folded = TextFolding.Fold(text);
        var sb = new StringBuilder();
        for (var i = 0; i < folded.Length; i++)
        {
            var c = folded[i];
            if (char.IsLetterOrDigit(c))
            {
                sb.Append(c);
                continue;
            }
            if (c == '\'' && sb.Length > 0)
            {
                // "openai's" -> "openai"; "isn't" -> "isnt".
                if (i + 1 < folded.Length && folded[i + 1] == 's' && (i + 2 == folded.Length || !char.IsLetterOrDigit(folded[i + 2])))
                    i++;
                continue;
            }
            if (sb.Length > 0)
            {
                yield return sb.ToString();
                sb.Clear();
            }
        }
        if (sb.Length > 0)
            yield return sb.ToString();
    }

    /// <summary>Content terms: words without stop words, stemmed.</summary>
    public static IEnumerable<string> Content(string text)
    {
        foreach (var w in Words(text))
        {
            if (StopWords.Contains(w))
                continue;
            yield return Stem(w);
        }
    }

    /// <summary>A light, predictable stemmer: plural and verb endings, then a final silent "e".</summary>
    public static string Stem(string w)
    {
        if (w.Length <= 3)
            return w;
        if (StemCache.TryGetValue(w, out var cached))
            return cached;
        var s = w.Any(char.IsDigit) ? w : StripSuffix(w);
        s = s.Length > 3 && s[^1] == 'e' && !w.Any(char.IsDigit) ? s[..^1] : s;
        if (StemCache.Count < 200_000)
            StemCache[w] = s;
        return s;
    }

    // Stemming sits on the hot path of every answer; the vocabulary is small, so results are kept.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> StemCache = new(StringComparer.Ordinal);

    private static string StripSuffix(string w)
    {
        if (w.EndsWith("ies", StringComparison.Ordinal) && w.Length > 4)
            return w[..^3] + "y";
        if (w.EndsWith("ing", StringComparison.Ordinal) && w.Length > 5)
            return Undouble(w[..^3]);
        if (w.EndsWith("ied", StringComparison.Ordinal) && w.Length > 4)
            return w[..^3] + "y";
        if (w.EndsWith("ed", StringComparison.Ordinal) && w.Length > 4)
            return Undouble(w[..^2]);
        if (w.EndsWith("sses", StringComparison.Ordinal))
            return w[..^2];
        if (w.EndsWith("es", StringComparison.Ordinal) && w.Length > 4 && "sxz".Contains(w[^3]))
            return w[..^2];
        if (w.EndsWith('s') && !w.EndsWith("ss", StringComparison.Ordinal) && !w.EndsWith("us", StringComparison.Ordinal) && !w.EndsWith("is", StringComparison.Ordinal))
            return w[..^1];
        return w;
    }

    private static string Undouble(string w) =>
        w.Length > 3 && w[^1] == w[^2] && !"lsz".Contains(w[^1]) ? w[..^1] : w;

    /// <summary>Stems every word of a phrase and joins them with a space.</summary>
    public static string StemPhrase(string phrase) =>
        string.Join(' ', Words(phrase).Select(Stem));

    public static string ToTitle(string s) => CultureInfo.InvariantCulture.TextInfo.ToTitleCase(s);

    /// <summary>Folded words that are written as names: capitalised after the first word, or all capitals.</summary>
    public static HashSet<string> NameWords(string text)
    {
        var raw = text.Split((char[])[' ', '\t', '\n', ',', '?', '!', ';', ':', '(', ')', '"', '\u201C', '\u201D'], StringSplitOptions.RemoveEmptyEntries);
        var set = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < raw.Length; i++)
        {
            var w = raw[i].Trim('.', '\'', '\u2019', '\u2018');
            // "xAI", "iPhone": a capital inside a word marks a name too.
            var innerCapital = w.Length >= 2 && char.IsLower(w[0]) && w.Skip(1).Any(char.IsUpper);
            if (innerCapital)
            {
                foreach (var word in Words(w))
                    set.Add(word);
                continue;
            }
            if (w.Length < 2 || !char.IsUpper(w[0]))
                continue;
            var allCaps = w.Count(char.IsLetter) >= 2 && w.Where(char.IsLetter).All(char.IsUpper);
            if (i == 0 && !allCaps && !w.Skip(1).Any(char.IsUpper))
                continue;
            foreach (var word in Words(w))
                set.Add(word);
        }
        return set;
    }
}

/// <summary>The one date format of the assistant (ISO 8601 days), for settings, the answer contract, the index and messages.</summary>
public static class Dates
{
    public const string Format = "yyyy-MM-dd";

    public static string Iso(DateOnly day) => day.ToString(Format, CultureInfo.InvariantCulture);

    public static bool TryParse(string? text, out DateOnly day) =>
        DateOnly.TryParseExact(text?.Trim(), Format, CultureInfo.InvariantCulture, DateTimeStyles.None, out day);

    /// <summary>Parses a day or throws an <see cref="ArgumentException"/> naming <paramref name="what"/> (an option, a field).</summary>
    public static DateOnly Parse(string text, string what) =>
        TryParse(text, out var d) ? d : throw new ArgumentException($"{what}: '{text}' is not a date of the form YYYY-MM-DD");
}

/// <summary>Text as quotes are compared with their files: Markdown emphasis and list markers removed, whitespace collapsed.</summary>
public static partial class QuoteText
{
    [System.Text.RegularExpressions.GeneratedRegex(@"(\*\*|__|(?<![\w])[*_](?=\S)|(?<=\S)[*_](?![\w]))")]
    private static partial System.Text.RegularExpressions.Regex Emphasis();

    [System.Text.RegularExpressions.GeneratedRegex(@"(?m)^\s*(?:[-*+\u2022]|\d+[.)])(?:\s+|$)")]
    private static partial System.Text.RegularExpressions.Regex ListMarker();

    public static string Clean(string s) =>
        string.Join(' ', Emphasis().Replace(ListMarker().Replace(s, " "), "").Split((char[])[' ', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries));

    /// <summary>Whether <paramref name="quote"/> occurs in <paramref name="text"/> word for word (emphasis, list markers and spacing aside).</summary>
    public static bool Occurs(string quote, string text) => Clean(text).Contains(Clean(quote), StringComparison.Ordinal);

    /// <summary>Where <paramref name="quote"/> occurs in <paramref name="text"/>, compared as <see cref="Occurs"/> compares them: the
    /// [start, end) range in <paramref name="text"/>, or null.</summary>
    public static (int Start, int End)? Locate(string quote, string text)
    {
        var exact = text.IndexOf(quote, StringComparison.Ordinal);
        if (exact >= 0 && quote.Length > 0)
            return (exact, exact + quote.Length);
        var (cleanText, map) = CleanWithOffsets(text);
        var cleanQuote = Clean(quote);
        var at = cleanQuote.Length == 0 ? -1 : cleanText.IndexOf(cleanQuote, StringComparison.Ordinal);
        return at < 0 ? null : (map[at], map[at + cleanQuote.Length - 1] + 1);
    }

    /// <summary><see cref="Clean"/>, keeping for each character of the result its offset in <paramref name="s"/>.</summary>
    private static (string Text, int[] Offsets) CleanWithOffsets(string s)
    {
        // Markers are blanked in place (same length), so offsets still point into the original text.
        var blanked = new StringBuilder(s);
        foreach (System.Text.RegularExpressions.Match m in ListMarker().Matches(s))
            Blank(blanked, m.Index, m.Length, ' ');
        foreach (System.Text.RegularExpressions.Match m in Emphasis().Matches(s))
            Blank(blanked, m.Index, m.Length, '\0');
        var text = new StringBuilder(s.Length);
        var offsets = new List<int>(s.Length);
        for (var i = 0; i < blanked.Length; i++)
        {
            var c = blanked[i];
            if (c == '\0')
                continue;
            if (c is ' ' or '\n' or '\r' or '\t')
            {
                if (text.Length == 0 || text[^1] == ' ')
                    continue;
                c = ' ';
            }
            text.Append(c);
            offsets.Add(i);
        }
        return (text.ToString(), [.. offsets]);
    }

    private static void Blank(StringBuilder sb, int start, int length, char with)
    {
        for (var i = start; i < start + length; i++)
            sb[i] = with;
    }
}

/// <summary>Text written into Markdown (reports, chat replies) so that it shows as typed: no links, emphasis or HTML of its own.</summary>
public static class MarkdownText
{
    /// <summary>One line of literal text: HTML characters as entities, Markdown punctuation backslash-escaped, line breaks as spaces.</summary>
    public static string Escape(string text)
    {
        var sb = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            _ = c switch
            {
                '&' => sb.Append("&amp;"),
                '<' => sb.Append("&lt;"),
                '>' => sb.Append("&gt;"),
                '\r' or '\n' => sb.Append(' '),
                '\\' or '`' or '*' or '_' or '[' or ']' or '|' or '~' => sb.Append('\\').Append(c),
                _ => sb.Append(c),
            };
        }
        return sb.ToString();
    }

    /// <summary>Text that may carry the assistant's own Markdown (emphasis, [n] markers) but whose HTML must not render.</summary>
    public static string EscapeHtml(string text) =>
        text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);
}
