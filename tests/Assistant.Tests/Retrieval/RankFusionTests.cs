using Assistant.Retrieval;

namespace Assistant.Tests.Retrieval;

[Trait("Category", "Unit")]
public sealed class RankFusionTests
{
    [Fact]
    public void Scores_add_one_over_k_plus_rank()
    {
        var fused = ReciprocalRankFusion.Fuse([["a", "b"], ["b", "c"]], k: 60);

        Assert.Equal("b", fused[0].Key);
        Assert.Equal((1.0 / 62) + (1.0 / 61), fused[0].Score, 10);
        Assert.Equal(1.0 / 61, fused.Single(f => f.Key == "a").Score, 10);
    }

    [Fact]
    public void Equal_scores_keep_first_seen_order()
    {
        var fused = ReciprocalRankFusion.Fuse([["x"], ["y"]]);

        Assert.Equal(["x", "y"], fused.Select(f => f.Key));
    }

    [Fact]
    public void Empty_rankings_fuse_to_nothing()
    {
        Assert.Empty(ReciprocalRankFusion.Fuse<string>([[], []]));
    }
}
