using Assistant.Answering;
using Assistant.Answering.Ledger;
using Assistant.Core.Ledger;
using static Assistant.Tests.Ledger.LedgerFixture;

namespace Assistant.Tests.Ledger;

/// <summary>Verdicts from the terms' states on the day asked, with fictional terms: "still" needs in force, "no longer"
/// needs held and ended, "already" needs in force rather than announced, wrong figures and rival clouds are false with
/// the right one named, reported and disputed states are never a flat yes.</summary>
public sealed class LedgerReasonerTests
{
    private static readonly LedgerReasoner Reasoner = new(Reader);

    private static readonly Term ExclusiveHosting = Term("exclusive-hosting", "Contoso Cloud is the only cloud hosting Northwind's models.",
        [
            State(TermStatus.InForce, "2024-01-10", "Northwind's models are hosted only on Contoso Cloud."),
            State(TermStatus.Ended, "2025-06-01", "Contoso Cloud is no longer the only cloud for Northwind's models."),
        ],
        parties: ["northwind", "contoso"], platforms: ["contoso-cloud"]);

    private static readonly Term Stake = Term("fabrikam-stake", "Fabrikam holds a stake in Northwind.",
        [
            State(TermStatus.InForce, "2024-02-01", "Fabrikam holds 30% of Northwind.", "30%"),
            State(TermStatus.InForce, "2025-03-01", "After the new round Fabrikam holds 25% of Northwind.", "25%"),
        ],
        layer: "capital", parties: ["fabrikam", "northwind"]);

    private static readonly Term Agents = Term("agents-on-fabcloud", "Northwind's agents are available on FabCloud.",
        [State(TermStatus.Announced, "2025-05-01", "Northwind will offer its agents on FabCloud later this year.")],
        layer: "orchestration", parties: ["northwind", "fabrikam"], platforms: ["fabrikam-cloud"]);

    private static readonly Term Rumour = Term("contoso-invests", "Contoso invests in Northwind.",
        [State(TermStatus.Reported, "2025-04-01", "A newspaper reported that Contoso would invest in Northwind.") with { By = "a newspaper" }],
        layer: "capital", parties: ["contoso", "northwind"]);

    private static readonly Term ComputeDeal = Term("compute-deal", "Northwind buys compute from Fabrikam.",
        [State(TermStatus.InForce, "2024-05-01", "The contract is a purchase of compute only. It does not cover distribution of Northwind's models by Fabrikam.")],
        parties: ["northwind", "fabrikam"], platforms: ["fabrikam-cloud"]);

    private static readonly Term Clearance = Term("clearance", "Northwind's service is cleared for the agency cloud.",
        [State(TermStatus.InForce, "2024-07-01", "Northwind's service was one of 26 products cleared for the agency cloud.")],
        layer: "government", parties: ["northwind"]);

    private static TermFinding Judge(string claim, Term term, string day, QuestionForm form = QuestionForm.Claim) =>
        Reasoner.Judge(Claim(claim, form), Match(term), Day(day));

    [Fact]
    public void Still_is_true_only_while_the_term_is_in_force()
    {
        Assert.Equal(Truth.True, Judge("Contoso Cloud still exclusively hosts Northwind's models.", ExclusiveHosting, "2024-06-01").Truth);
        var after = Judge("Contoso Cloud still exclusively hosts Northwind's models.", ExclusiveHosting, "2025-07-01");
        Assert.Equal(Truth.False, after.Truth);
        Assert.True(after.Outdated);
    }

    [Fact]
    public void No_longer_is_true_only_once_the_term_held_and_ended()
    {
        Assert.Equal(Truth.True, Judge("Contoso Cloud no longer exclusively hosts Northwind's models.", ExclusiveHosting, "2025-07-01").Truth);
        Assert.Equal(Truth.False, Judge("Contoso Cloud no longer exclusively hosts Northwind's models.", ExclusiveHosting, "2024-06-01").Truth);
    }

    [Fact]
    public void Never_is_false_once_the_term_held_even_after_it_ended() =>
        Assert.Equal(Truth.False, Judge("Contoso Cloud never exclusively hosted Northwind's models.", ExclusiveHosting, "2025-07-01").Truth);

    [Fact]
    public void A_term_that_states_the_opposite_cannot_settle_never()
    {
        var nonExclusive = Term("non-exclusive", "Northwind's models may run on any cloud.",
            [State(TermStatus.InForce, "2025-06-01", "Northwind may now use any cloud.")], platforms: ["any"]);

        Assert.Equal(Truth.Unknown, Judge("Northwind's models never ran only on Contoso Cloud.", nonExclusive, "2025-07-01").Truth);
    }

    [Fact]
    public void A_rival_cloud_in_place_of_the_terms_is_false_and_the_right_one_is_named()
    {
        var finding = Judge("Northwind's models are hosted on FabCloud.", ExclusiveHosting, "2024-06-01");

        Assert.Equal(Truth.False, finding.Truth);
        Assert.Equal(["contoso-cloud"], finding.RightPlatforms);
    }

    [Fact]
    public void A_wrong_figure_is_false_with_the_right_one_and_outdated_when_it_held_before()
    {
        Assert.Equal(Truth.True, Judge("Fabrikam holds a 30% stake in Northwind.", Stake, "2024-06-01").Truth);
        var now = Judge("Fabrikam holds a 30% stake in Northwind.", Stake, "2025-06-01");
        Assert.Equal(Truth.False, now.Truth);
        Assert.Equal(["25%"], now.RightFigures);
        Assert.True(now.Outdated);
        Assert.False(Judge("Fabrikam holds a 60% stake in Northwind.", Stake, "2025-06-01").Outdated);
    }

    [Fact]
    public void Announced_is_not_already_in_effect_and_never_a_flat_yes()
    {
        Assert.Equal(Truth.False, Judge("Northwind's agents are already available on FabCloud?", Agents, "2025-06-01", QuestionForm.YesNo).Truth);
        Assert.Equal(Truth.Partly, Judge("Northwind's agents are available on FabCloud.", Agents, "2025-06-01").Truth);
        Assert.Equal(Truth.True, Judge("Northwind's agents are not yet available on FabCloud.", Agents, "2025-06-01").Truth);
    }

    [Fact]
    public void Reported_states_are_partly_with_who_reports_them()
    {
        var finding = Judge("Contoso invests in Northwind.", Rumour, "2025-06-01");

        Assert.Equal(Truth.Partly, finding.Truth);
        Assert.Contains("a newspaper", finding.Reason);
    }

    [Fact]
    public void A_denied_claim_of_a_term_in_force_is_false() =>
        Assert.Equal(Truth.False, Judge("It is not true that Fabrikam holds a stake in Northwind.", Stake, "2024-06-01").Truth);

    [Fact]
    public void Before_its_first_state_a_term_has_not_happened() =>
        Assert.Equal(Truth.False, Judge("Fabrikam holds a stake in Northwind.", Stake, "2023-06-01").Truth);

    [Fact]
    public void A_detail_the_terms_own_source_denies_is_false()
    {
        Assert.Equal(Truth.True, Judge("Northwind buys compute from Fabrikam.", ComputeDeal, "2024-06-01").Truth);
        Assert.Equal(Truth.False, Judge("Under its compute deal, Fabrikam distributes Northwind's models.", ComputeDeal, "2024-06-01").Truth);
    }

    [Fact]
    public void The_only_one_is_false_where_the_source_says_one_of_several() =>
        Assert.Equal(Truth.False, Judge("Northwind's service was the only product cleared for the agency cloud.", Clearance, "2024-08-01").Truth);
}
