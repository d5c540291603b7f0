using System.Collections.Concurrent;
using Google.Protobuf;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Qdrant.Client.Grpc;

namespace Assistant.Tests.Support;

/// <summary>An in-process gRPC stand-in of the Qdrant services the adapter calls (no Qdrant server can be installed here).</summary>
/// <remarks>Served by ASP.NET Core gRPC over HTTP/2 with methods bound from the client package's own service descriptors,
/// so the real Qdrant.Client talks to it. It keeps collections, aliases and points in memory, answers the Query API
/// with dense cosine, sparse dot product with the IDF modifier and reciprocal rank fusion, and records every request.</remarks>
public sealed class QdrantStandIn : IAsyncDisposable
{
    private WebApplication _app = null!;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, StoredCollection> _collections = [];
    private readonly Dictionary<string, string> _aliases = [];

    private QdrantStandIn()
    {
    }

    public string Endpoint => _app.Urls.First();

    /// <summary>Every request, as (method, message), in order.</summary>
    public ConcurrentQueue<(string Method, IMessage Request)> Calls { get; } = new();

    /// <summary>Runs before each call: throw an RpcException or delay to inject faults.</summary>
    public Func<string, Task>? BeforeCall { get; set; }

    public IReadOnlyCollection<string> CollectionNames { get { lock (_gate) return [.. _collections.Keys]; } }

    public string? AliasTarget(string alias) { lock (_gate) return _aliases.GetValueOrDefault(alias); }

    public IEnumerable<T> Requests<T>() where T : IMessage => Calls.Select(c => c.Request).OfType<T>();

    /// <summary>How many chunk texts scroll responses have carried (points with a document id whose payload included "text").</summary>
    public int ChunkTextsScrolled { get { lock (_gate) return _chunkTextsScrolled; } }

    private int _chunkTextsScrolled;

    public static async Task<QdrantStandIn> StartAsync()
    {
        var standIn = new QdrantStandIn();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0, o => o.Protocols = HttpProtocols.Http2));
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(standIn);
        builder.Services.TryAddEnumerable(Microsoft.Extensions.DependencyInjection.ServiceDescriptor.Singleton<IServiceMethodProvider<QdrantStandIn>, MethodProvider>());
        standIn._app = builder.Build();
        standIn._app.MapGrpcService<QdrantStandIn>();
        await standIn._app.StartAsync();
        return standIn;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private sealed class StoredCollection(CreateCollection config)
    {
        public CreateCollection Config { get; } = config;
        public Dictionary<string, PointStruct> Points { get; } = [];
    }

    /// <summary>Binds the handlers to the method names of the client's own service descriptors.</summary>
    private sealed class MethodProvider(QdrantStandIn standIn) : IServiceMethodProvider<QdrantStandIn>
    {
        public void OnServiceMethodDiscovery(ServiceMethodProviderContext<QdrantStandIn> context)
        {
            var collections = Collections.Descriptor;
            var points = Points.Descriptor;
            Add<CreateCollection, CollectionOperationResponse>(context, collections, "Create", standIn.Create);
            Add<DeleteCollection, CollectionOperationResponse>(context, collections, "Delete", standIn.DeleteCollection);
            Add<GetCollectionInfoRequest, GetCollectionInfoResponse>(context, collections, "Get", standIn.Get);
            Add<ChangeAliases, CollectionOperationResponse>(context, collections, "UpdateAliases", standIn.UpdateAliases);
            Add<ListAliasesRequest, ListAliasesResponse>(context, collections, "ListAliases", standIn.ListAliases);
            Add<UpsertPoints, PointsOperationResponse>(context, points, "Upsert", standIn.Upsert);
            Add<DeletePoints, PointsOperationResponse>(context, points, "Delete", standIn.DeletePoints);
            Add<ScrollPoints, ScrollResponse>(context, points, "Scroll", standIn.Scroll);
            Add<QueryPoints, QueryResponse>(context, points, "Query", standIn.Query);
            Add<CreateFieldIndexCollection, PointsOperationResponse>(context, points, "CreateFieldIndex", standIn.CreateFieldIndex);
        }

        private void Add<TRequest, TResponse>(ServiceMethodProviderContext<QdrantStandIn> context, Google.Protobuf.Reflection.ServiceDescriptor service, string name, Func<TRequest, TResponse> handler)
            where TRequest : class, IMessage<TRequest>, new()
            where TResponse : class, IMessage<TResponse>, new()
        {
            var descriptor = service.FindMethodByName(name) ?? throw new InvalidOperationException($"{service.FullName} has no method {name}");
            if (descriptor.InputType.FullName != new TRequest().Descriptor.FullName)
                throw new InvalidOperationException($"{service.FullName}.{name} takes {descriptor.InputType.FullName}");
            var parser = new MessageParser<TRequest>(() => new TRequest());
            var responseParser = new MessageParser<TResponse>(() => new TResponse());
            var method = new Method<TRequest, TResponse>(MethodType.Unary, service.FullName, name,
                Marshallers.Create(r => r.ToByteArray(), parser.ParseFrom), Marshallers.Create(r => r.ToByteArray(), responseParser.ParseFrom));
            context.AddUnaryMethod(method, [], async (_, request, _) =>
            {
                standIn.Calls.Enqueue((name, request));
                if (standIn.BeforeCall is { } before)
                    await before(name);
                lock (standIn._gate)
                    return handler(request);
            });
        }
    }

    private StoredCollection Collection(string name) =>
        _collections.GetValueOrDefault(_aliases.GetValueOrDefault(name, name))
        ?? throw new RpcException(new Status(StatusCode.NotFound, $"Collection `{name}` doesn't exist!"));

    private CollectionOperationResponse Create(CreateCollection r)
    {
        if (_collections.ContainsKey(r.CollectionName))
            throw new RpcException(new Status(StatusCode.AlreadyExists, $"Collection `{r.CollectionName}` already exists!"));
        _collections[r.CollectionName] = new StoredCollection(r);
        return new CollectionOperationResponse { Result = true };
    }

    private CollectionOperationResponse DeleteCollection(DeleteCollection r) => new() { Result = _collections.Remove(r.CollectionName) };

    private GetCollectionInfoResponse Get(GetCollectionInfoRequest r)
    {
        var c = Collection(r.CollectionName);
        var config = new CollectionConfig
        {
            Params = new CollectionParams { VectorsConfig = c.Config.VectorsConfig, SparseVectorsConfig = c.Config.SparseVectorsConfig },
            HnswConfig = new HnswConfigDiff(),
            OptimizerConfig = new OptimizersConfigDiff(),
            WalConfig = new WalConfigDiff(),
        };
        config.Metadata.Add(c.Config.Metadata);
        return new GetCollectionInfoResponse { Result = new CollectionInfo { Status = CollectionStatus.Green, Config = config, PointsCount = (ulong)c.Points.Count } };
    }

    private CollectionOperationResponse UpdateAliases(ChangeAliases r)
    {
        foreach (var a in r.Actions)
        {
            if (a.DeleteAlias is { } d)
                _aliases.Remove(d.AliasName);
            if (a.CreateAlias is { } c)
            {
                if (!_collections.ContainsKey(c.CollectionName))
                    throw new RpcException(new Status(StatusCode.NotFound, $"Collection `{c.CollectionName}` doesn't exist!"));
                _aliases[c.AliasName] = c.CollectionName;
            }
        }
        return new CollectionOperationResponse { Result = true };
    }

    private ListAliasesResponse ListAliases(ListAliasesRequest r)
    {
        var response = new ListAliasesResponse();
        response.Aliases.AddRange(_aliases.Select(a => new AliasDescription { AliasName = a.Key, CollectionName = a.Value }));
        return response;
    }

    private PointsOperationResponse Upsert(UpsertPoints r)
    {
        var c = Collection(r.CollectionName);
        foreach (var p in r.Points)
            c.Points[p.Id.ToString()] = p.Clone();
        return Completed();
    }

    private PointsOperationResponse DeletePoints(DeletePoints r)
    {
        var c = Collection(r.CollectionName);
        foreach (var key in c.Points.Where(p => r.Points.Filter is { } f ? Matches(f, p.Value) : r.Points.Points.Ids.Any(id => id.ToString() == p.Key)).Select(p => p.Key).ToList())
            c.Points.Remove(key);
        return Completed();
    }

    private PointsOperationResponse CreateFieldIndex(CreateFieldIndexCollection r)
    {
        Collection(r.CollectionName);
        return Completed();
    }

    private static PointsOperationResponse Completed() => new() { Result = new UpdateResult { Status = UpdateStatus.Completed } };

    private ScrollResponse Scroll(ScrollPoints r)
    {
        var ordered = Collection(r.CollectionName).Points.Values.Where(p => r.Filter is null || Matches(r.Filter, p)).OrderBy(p => p.Id.ToString(), StringComparer.Ordinal).ToList();
        var start = r.Offset is null ? 0 : ordered.FindIndex(p => p.Id.ToString() == r.Offset.ToString());
        var limit = (int)(r.HasLimit ? r.Limit : 10);
        var response = new ScrollResponse();
        response.Result.AddRange(ordered.Skip(start).Take(limit).Select(p => Retrieved(p, r.WithVectors, r.WithPayload)));
        if (start + limit < ordered.Count)
            response.NextPageOffset = ordered[start + limit].Id;
        _chunkTextsScrolled += response.Result.Count(p => p.Payload.ContainsKey("doc_id") && p.Payload.ContainsKey("text"));
        return response;
    }

    private QueryResponse Query(QueryPoints r)
    {
        var c = Collection(r.CollectionName);
        var candidates = c.Points.Values.Where(p => r.Filter is null || Matches(r.Filter, p)).ToList();
        List<(PointStruct Point, float Score)> ranked;
        if (r.Query?.Fusion == Fusion.Rrf)
        {
            var rankings = r.Prefetch.Select(pf => Rank(c, candidates.Where(p => pf.Filter is null || Matches(pf.Filter, p)), pf.Query, pf.Using, (int)pf.Limit)).ToList();
            ranked = rankings.SelectMany(list => list.Select((x, rank) => (x.Point, Score: 1f / (2 + rank + 1))))
                .GroupBy(x => x.Point.Id.ToString()).Select(g => (g.First().Point, g.Sum(x => x.Score))).OrderByDescending(x => x.Item2).ToList();
        }
        else
        {
            ranked = Rank(c, candidates, r.Query!, r.Using, (int)r.Limit);
        }
        var response = new QueryResponse();
        response.Result.AddRange(ranked.Take((int)(r.HasLimit ? r.Limit : 10)).Select(x =>
        {
            var scored = new ScoredPoint { Id = x.Point.Id, Score = x.Score, Vectors = Output(x.Point, r.WithVectors) };
            scored.Payload.Add(x.Point.Payload);
            return scored;
        }));
        return response;
    }

    private static List<(PointStruct Point, float Score)> Rank(StoredCollection c, IEnumerable<PointStruct> points, global::Qdrant.Client.Grpc.Query query, string vectorName, int limit)
    {
        var input = query.Nearest;
        var list = points.ToList();
        if (input.Sparse is { } sparse)
        {
            var idf = sparse.Indices.Distinct().ToDictionary(i => i, i =>
            {
                var n = list.Count(p => SparseOf(p, vectorName)?.Indices.Contains(i) == true);
                var total = c.Points.Count;
                return (float)Math.Log(((total - n + 0.5) / (n + 0.5)) + 1);
            });
            return [.. list.Select(p => (Point: p, Score: SparseOf(p, vectorName) is { } d
                    ? sparse.Indices.Select((idx, k) => d.Indices.IndexOf(idx) is var at and >= 0 ? sparse.Values[k] * d.Values[at] * idf[idx] : 0).Sum()
                    : 0))
                .Where(x => x.Score > 0).OrderByDescending(x => x.Score).Take(limit)];
        }
        var q = input.Dense.Data.ToArray();
        return [.. list.Select(p => (Point: p, Score: Cosine(q, DenseOf(p, vectorName)))).OrderByDescending(x => x.Score).Take(limit)];
    }

    private static float Cosine(float[] a, float[]? b) =>
        b is null || b.Length != a.Length ? 0 : System.Numerics.Tensors.TensorPrimitives.CosineSimilarity(a, b);

    private static float[]? DenseOf(PointStruct p, string name) =>
        p.Vectors.Vectors_.Vectors.TryGetValue(name, out var v) ? [.. v.Dense.Data] : null;

    private static SparseVector? SparseOf(PointStruct p, string name) =>
        p.Vectors.Vectors_.Vectors.TryGetValue(name, out var v) ? v.Sparse : null;

    private static RetrievedPoint Retrieved(PointStruct p, WithVectorsSelector? with, WithPayloadSelector? payload)
    {
        var r = new RetrievedPoint { Id = p.Id, Vectors = Output(p, with) };
        r.Payload.Add(p.Payload.Where(f => payload is null
            || (payload.Include is { } include ? include.Fields.Contains(f.Key) : payload.Exclude is { } exclude ? !exclude.Fields.Contains(f.Key) : payload.Enable))
            .ToDictionary(f => f.Key, f => f.Value));
        return r;
    }

    private static VectorsOutput? Output(PointStruct p, WithVectorsSelector? with)
    {
        if (with is null || (with.SelectorOptionsCase == WithVectorsSelector.SelectorOptionsOneofCase.Enable && !with.Enable))
            return null;
        var named = new NamedVectorsOutput();
        foreach (var (name, v) in p.Vectors.Vectors_.Vectors)
        {
            if (with.Include is { } include && !include.Names.Contains(name))
                continue;
            named.Vectors[name] = v.Sparse is { } s
                ? new VectorOutput { Sparse = new SparseVector { Values = { s.Values }, Indices = { s.Indices } } }
                : new VectorOutput { Dense = new DenseVector { Data = { v.Dense.Data } } };
        }
        return new VectorsOutput { Vectors = named };
    }

    private static bool Matches(Filter f, PointStruct p) =>
        f.Must.All(c => Matches(c, p)) && (f.Should.Count == 0 || f.Should.Any(c => Matches(c, p))) && !f.MustNot.Any(c => Matches(c, p));

    private static bool Matches(Condition c, PointStruct p)
    {
        var field = c.Field ?? throw new RpcException(new Status(StatusCode.Unimplemented, "the stand-in only evaluates field conditions"));
        if (!p.Payload.TryGetValue(field.Key, out var value))
            return false;
        var values = value.KindCase == Value.KindOneofCase.ListValue ? value.ListValue.Values.Select(v => v.StringValue).ToList() : [value.StringValue];
        if (field.Match is { } m)
        {
            return m.MatchValueCase switch
            {
                Match.MatchValueOneofCase.Keyword => values.Contains(m.Keyword),
                Match.MatchValueOneofCase.Keywords => values.Any(m.Keywords.Strings.Contains),
                Match.MatchValueOneofCase.Integer => value.IntegerValue == m.Integer,
                _ => throw new RpcException(new Status(StatusCode.Unimplemented, $"match {m.MatchValueCase}")),
            };
        }
        if (field.DatetimeRange is { } range)
        {
            var at = DateTime.Parse(value.StringValue, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal);
            return (range.Lte is null || at <= range.Lte.ToDateTime()) && (range.Gte is null || at >= range.Gte.ToDateTime());
        }
        throw new RpcException(new Status(StatusCode.Unimplemented, $"condition on {field.Key}"));
    }
}
