using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Assistant.Core;
using Assistant.Core.Ledger;
using Qdrant.Client.Grpc;

namespace Assistant.Retrieval.Qdrant;

/// <summary>How chunks become Qdrant points and back: deterministic ids, the payload, the keyword (sparse) vector.</summary>
internal static class QdrantPoints
{
    public const string Dense = "dense";
    public const string Keywords = "keywords";

    /// <summary>Payload field whose value <see cref="TermKind"/> or <see cref="StatisticsKind"/> marks the points of the terms
    /// ledger and of the statistics (chunk points carry their document's kind in it, e.g. "summary").</summary>
    public const string Kind = "kind";
    public const string TermKind = "term";
    public const string StatisticsKind = "statistics";

    /// <summary>Whether a stored point is one of the terms ledger's (the same test as <see cref="TermsOnly"/>).</summary>
    public static bool IsTerm(Google.Protobuf.Collections.MapField<string, Value> payload) =>
        payload.TryGetValue(Kind, out var kind) && kind.StringValue == TermKind;

    /// <summary>Whether a stored point is a chunk's (the same test as <see cref="ChunksOnly"/>).</summary>
    public static bool IsChunk(Google.Protobuf.Collections.MapField<string, Value> payload) =>
        !payload.TryGetValue(Kind, out var kind) || kind.StringValue is not (TermKind or StatisticsKind);

    /// <summary>Chunk points only (passage search, reading and copying chunks).</summary>
    public static Filter ChunksOnly() => new() { MustNot = { Conditions.Match(Kind, [TermKind, StatisticsKind]) } };

    /// <summary>The chunk points of one document.</summary>
    public static Filter ChunksOf(string docId) => new(ChunksOnly()) { Must = { Conditions.MatchKeyword("doc_id", docId) } };

    /// <summary>The first chunk point of every document, which lists the documents.</summary>
    public static Filter FirstChunks() => new(ChunksOnly()) { Must = { Conditions.Match("ordinal", 0) } };

    /// <summary>The payload fields of a chunk point that describe its document (not the chunk's text).</summary>
    public static WithPayloadSelector DocumentFields() => new()
    {
        Include = new PayloadIncludeSelector
        {
            Fields = { "doc_id", "title", "date", "date_inferred", "publisher", "url", "confidence", Kind, "doc_layers", "path", "content_hash", "doc_chunks" },
        },
    };

    /// <summary>The terms ledger's points only.</summary>
    public static Filter TermsOnly() => new() { Must = { Conditions.MatchKeyword(Kind, TermKind) } };

    /// <summary>The statistics' points only.</summary>
    public static Filter StatisticsOnly() => new() { Must = { Conditions.MatchKeyword(Kind, StatisticsKind) } };

    // Parts keep each point, and so each scroll page of one point, far below gRPC's 4 MB message limit.
    private const int StatisticsPartLength = 1 << 20;

    /// <summary>The statistics as points without vectors, their JSON cut into parts (JSON escapes every non-ASCII
    /// character, so a cut never splits one).</summary>
    public static IEnumerable<PointStruct> ToStatisticsPoints(IndexStatistics statistics) =>
        statistics.ToJson().Chunk(StatisticsPartLength).Select((part, i) =>
        {
            var point = new PointStruct
            {
                Id = new Guid(SHA256.HashData(Encoding.UTF8.GetBytes($"statistics\n{i}")).AsSpan(0, 16)),
                Vectors = new Vectors { Vectors_ = new NamedVectors() },
            };
            point.Payload[Kind] = StatisticsKind;
            point.Payload["part"] = i;
            point.Payload["json"] = new string(part);
            return point;
        });

    public static IndexStatistics Statistics(IEnumerable<RetrievedPoint> parts) =>
        IndexStatistics.FromJson(string.Concat(parts.OrderBy(p => p.Payload["part"].IntegerValue).Select(p => p.Payload["json"].StringValue)));

    /// <summary>A term's statement or phrasing as a point: its vector, the term id and text, layer and first date; the
    /// statement's point (ordinal 0) also carries the whole term as JSON, which readers rebuild the ledger from.</summary>
    public static PointStruct ToTermPoint(Term term, int ordinal, TermVector text, string ledgerHash, int position)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"term\n{term.Id}\n{ordinal}\n{ledgerHash}"));
        var point = new PointStruct
        {
            Id = new Guid(hash.AsSpan(0, 16)),
            Vectors = new Dictionary<string, Vector> { [Dense] = text.Vector.ToArray() },
        };
        var p = point.Payload;
        p[Kind] = TermKind;
        p["term_id"] = term.Id;
        p["ordinal"] = ordinal;
        p["position"] = position;
        p["text"] = text.Text;
        p["layer"] = term.Layer;
        p["date"] = Dates.Iso(term.States[0].From) + "T00:00:00Z";
        p["ledger_hash"] = ledgerHash;
        if (ordinal == 0)
            p["term_json"] = TermsLedger.Serialize(term);
        return point;
    }

    // BM25 term-frequency saturation; Qdrant's IDF modifier supplies the idf at query time.
    private const double K1 = 1.2;
    private const double B = 0.75;
    private const double AverageLength = 120;

    /// <summary>The same chunk of the same content always gets the same id, so upserts are idempotent.</summary>
    public static Guid PointId(string docId, int ordinal, string contentHash)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{docId}\n{ordinal}\n{contentHash}"));
        return new Guid(hash.AsSpan(0, 16));
    }

    /// <summary>A stem's dimension in the sparse vector (FNV-1a; collisions only merge two rare words).</summary>
    public static uint TermIndex(string stem)
    {
        var h = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes(stem))
            h = (h ^ b) * 16777619u;
        return h;
    }

    /// <summary>BM25-style weights of a passage's stems (title and section count as text).</summary>
    public static (float[] Values, uint[] Indices) PassageKeywords(string text)
    {
        var terms = Terms.Content(text).ToList();
        var norm = K1 * (1 - B + (B * terms.Count / AverageLength));
        var weights = terms.GroupBy(TermIndex).ToDictionary(g => g.Key, g => (float)(g.Count() * (K1 + 1) / (g.Count() + norm)));
        return Sparse(weights);
    }

    /// <summary>A query's stems, each weighted 1 (the idf comes from Qdrant).</summary>
    public static (float[] Values, uint[] Indices) QueryKeywords(string text) =>
        Sparse(Terms.Content(text).Select(TermIndex).Distinct().ToDictionary(i => i, _ => 1f));

    private static (float[] Values, uint[] Indices) Sparse(Dictionary<uint, float> weights)
    {
        var ordered = weights.OrderBy(kv => kv.Key).ToList();
        return ([.. ordered.Select(kv => kv.Value)], [.. ordered.Select(kv => kv.Key)]);
    }

    /// <summary>A returned vector as input for an upsert, dense or sparse, whichever form the server filled.</summary>
    public static Vector Copy(VectorOutput v)
    {
        if (v.Sparse is { Indices.Count: > 0 } s)
            return new Vector { Sparse = new SparseVector { Values = { s.Values }, Indices = { s.Indices } } };
#pragma warning disable CS0612 // Servers before Qdrant 1.12 send only the deprecated flat fields.
        if (v.Indices is { Data.Count: > 0 } indices)
            return new Vector { Sparse = new SparseVector { Values = { v.Data }, Indices = { indices.Data } } };
        return new Vector { Dense = new DenseVector { Data = { v.Dense?.Data ?? v.Data } } };
    }

    /// <summary>A returned dense vector, whichever form the server filled.</summary>
    public static IReadOnlyList<float> DenseOf(VectorOutput v) => v.Dense?.Data ?? v.Data;
#pragma warning restore CS0612

    public static PointStruct ToPoint(SourceDocument doc, Chunk chunk, ReadOnlyMemory<float> vector, int chunks)
    {
        var info = doc.Info;
        var point = new PointStruct
        {
            Id = PointId(info.Id, chunk.Ordinal, doc.ContentHash),
            Vectors = new Dictionary<string, Vector>
            {
                [Dense] = vector.ToArray(),
                [Keywords] = PassageKeywords($"{info.Title}\n{chunk.Section}\n{chunk.Text}"),
            },
        };
        var p = point.Payload;
        p["doc_id"] = info.Id;
        p["title"] = info.Title;
        p["date"] = Dates.Iso(info.Date) + "T00:00:00Z";
        p["date_inferred"] = info.DateInferred;
        if (info.Publisher is not null)
            p["publisher"] = info.Publisher;
        if (info.Url is not null)
            p["url"] = info.Url;
        p["confidence"] = info.Confidence.ToString().ToLowerInvariant();
        p["kind"] = info.Kind;
        p["doc_layers"] = info.Layers.ToArray();
        p["path"] = info.Path;
        p["content_hash"] = doc.ContentHash;
        p["doc_chunks"] = chunks;
        p["ordinal"] = chunk.Ordinal;
        p["section"] = chunk.Section;
        p["text"] = chunk.Text;
        p["start"] = chunk.Start;
        p["end"] = chunk.End;
        p["layers"] = chunk.Layers.ToArray();
        p["sentences"] = ChunkEncoding.SentencesJson(chunk.Sentences);
        return point;
    }

    public static DocumentInfo Document(IDictionary<string, Value> p) => new()
    {
        Id = p["doc_id"].StringValue,
        Title = p["title"].StringValue,
        Date = DateOnly.ParseExact(p["date"].StringValue[..10], Dates.Format, CultureInfo.InvariantCulture),
        DateInferred = p.TryGetValue("date_inferred", out var inferred) && inferred.BoolValue,
        Publisher = p.TryGetValue("publisher", out var publisher) ? publisher.StringValue : null,
        Url = p.TryGetValue("url", out var url) ? url.StringValue : null,
        Confidence = Enum.Parse<Confidence>(p["confidence"].StringValue, ignoreCase: true),
        Kind = p["kind"].StringValue,
        Layers = Strings(p, "doc_layers"),
        Path = p["path"].StringValue,
    };

    public static Chunk Chunk(IDictionary<string, Value> p) => new(
        p["doc_id"].StringValue,
        (int)p["ordinal"].IntegerValue,
        p["section"].StringValue,
        p["text"].StringValue,
        (int)p["start"].IntegerValue,
        (int)p["end"].IntegerValue,
        Strings(p, "layers"),
        ChunkEncoding.ParseSentences(p["sentences"].StringValue));

    private static string[] Strings(IDictionary<string, Value> p, string key) =>
        p.TryGetValue(key, out var v) ? [.. v.ListValue.Values.Select(x => x.StringValue)] : [];
}
