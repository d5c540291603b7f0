namespace Assistant.Retrieval;

/// <summary>Reciprocal-rank fusion: score(d) = Σ 1 / (k + rank), ranks starting at 1.</summary>
public static class ReciprocalRankFusion
{
    public const int DefaultK = 60;

    public static IReadOnlyList<(TKey Key, double Score)> Fuse<TKey>(IEnumerable<IReadOnlyList<TKey>> rankings, int k = DefaultK)
        where TKey : notnull
    {
        var scores = new Dictionary<TKey, double>();
        var firstSeen = new Dictionary<TKey, int>();
        var order = 0;
        foreach (var ranking in rankings)
        {
            for (var i = 0; i < ranking.Count; i++)
            {
                var key = ranking[i];
                scores[key] = scores.GetValueOrDefault(key) + 1.0 / (k + i + 1);
                firstSeen.TryAdd(key, order++);
            }
        }
        return scores
            .OrderByDescending(kv => kv.Value)
            .ThenBy(kv => firstSeen[kv.Key])
            .Select(kv => (kv.Key, kv.Value))
            .ToList();
    }
}
