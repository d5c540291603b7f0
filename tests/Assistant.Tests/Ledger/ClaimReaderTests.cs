using Assistant.Answering;
using Assistant.Answering.Ledger;
using static Assistant.Tests.Ledger.LedgerFixture;

namespace Assistant.Tests.Ledger;

/// <summary>Claim reading with the fixture lexicon: aliases, polarity, aspect, restriction, figures, parties, clouds
/// and periods. The sentences are written for these tests, not taken from any eval set.</summary>
public sealed class ClaimReaderTests
{
    [Fact]
    public void Shorthand_is_read_as_the_names_the_sources_use()
    {
        var claim = Claim("ctso still hosts Fabrikam's lic?", QuestionForm.YesNo);

        Assert.Contains("Contoso", claim.Normalized);
        Assert.Contains("licence", claim.Normalized);
        Assert.Equal(["contoso", "fabrikam"], claim.Parties.Order());
    }

    [Theory]
    [InlineData("Contoso still hosts Northwind's models.", Aspect.Still)]
    [InlineData("Contoso no longer hosts Northwind's models.", Aspect.NoLonger)]
    [InlineData("Northwind has not yet moved to FabCloud.", Aspect.NotYet)]
    [InlineData("Contoso never held a licence to Northwind's models.", Aspect.Never)]
    [InlineData("Contoso's hosting deal with Northwind ended.", Aspect.NoLonger)]
    [InlineData("Contoso invests in Northwind.", Aspect.None)]
    public void Aspect_is_read_from_still_no_longer_not_yet_never_and_endings(string text, Aspect aspect) =>
        Assert.Equal(aspect, Claim(text).Aspect);

    [Fact]
    public void Already_and_ever_are_aspects_of_questions()
    {
        Assert.Equal(Aspect.Already, Claim("Has Northwind already moved to FabCloud?", QuestionForm.YesNo).Aspect);
        Assert.Equal(Aspect.Ever, Claim("Did Contoso ever invest in Northwind?", QuestionForm.YesNo).Aspect);
    }

    [Theory]
    [InlineData("It is not true that Fabrikam invests in Northwind.", true)]
    [InlineData("Fabrikam sat out Northwind's funding round.", true)]
    [InlineData("The deal forbids hosting outside Contoso Cloud.", true)]
    [InlineData("The hosting cloud is undisclosed.", true)]
    [InlineData("Fabrikam invests in Northwind.", false)]
    public void Negation_withdrawal_prohibition_and_privative_words_deny_the_proposition(string text, bool negated) =>
        Assert.Equal(negated, Claim(text).Negated);

    [Fact]
    public void A_negative_question_asks_the_same_as_the_positive_one()
    {
        Assert.False(Claim("Doesn't Contoso host Northwind's models?", QuestionForm.YesNo).Negated);
        Assert.False(Claim("Does Contoso not host Northwind's models?", QuestionForm.YesNo).Negated);
    }

    [Fact]
    public void Restriction_and_broadening_are_read()
    {
        Assert.True(Claim("Northwind's models run only on Contoso Cloud.").Restrictive);
        Assert.True(Claim("Northwind's models may run on any cloud.").Broadening);
        var outside = Claim("Northwind's models run outside Contoso Cloud.");
        Assert.True(outside.Broadening);
        Assert.DoesNotContain("contoso-cloud", outside.Platforms);
    }

    [Fact]
    public void Moving_away_from_a_cloud_says_it_no_longer_holds_there()
    {
        var claim = Claim("Northwind moved its models from Contoso Cloud to FabCloud.");

        Assert.Equal(Aspect.NoLonger, claim.Aspect);
        Assert.Equal(["contoso-cloud"], claim.Platforms);
    }

    [Fact]
    public void Figures_parties_clouds_and_a_period_are_read()
    {
        var claim = Claim("Fabrikam invested $2.5 billion for a 30% stake in Northwind in March 2025 and runs it on FabCloud.");

        Assert.Equal(["$2.5 billion", "30%"], claim.Figures.Select(f => f.Text));
        Assert.Equal(["fabrikam", "northwind"], claim.Parties.Order());
        Assert.Contains("fabrikam-cloud", claim.Platforms);
        Assert.Equal((Day("2025-03-01"), Day("2025-03-31")), claim.Period);
    }

    [Fact]
    public void A_fraction_is_a_figure_and_agrees_with_a_close_percentage()
    {
        var third = Assert.Single(Claim("Fabrikam owns a third of Northwind.").Figures);

        Assert.True(third.Agrees(Assert.Single(ClaimReader.Figures("about 32.5%"))));
        Assert.False(third.Agrees(Assert.Single(ClaimReader.Figures("about 27%"))));
    }

    [Fact]
    public void After_an_event_of_a_month_starts_at_that_month_and_is_not_the_subject()
    {
        var claim = Claim("Contoso no longer hosts Northwind after the March 2026 amendment.");

        Assert.Equal(Day("2026-03-01"), claim.Period!.Value.From);
        Assert.DoesNotContain("2026", claim.Subject);
        Assert.DoesNotContain("longer", claim.Subject);
        Assert.Contains("hosts Northwind", claim.Subject);
    }

    [Theory]
    [InlineData("Does Northwind run on Contoso Cloud or FabCloud?")]
    [InlineData("Does the licence run through 2030 or 2032?")]
    public void Either_or_questions_ask_which_not_whether(string text) =>
        Assert.Equal(QuestionForm.Open, Claim(text, QuestionForm.YesNo).Form);

    [Fact]
    public void A_yes_no_question_with_or_inside_one_party_stays_yes_no() =>
        Assert.Equal(QuestionForm.YesNo, Claim("Does Contoso host or license Northwind's models?", QuestionForm.YesNo).Form);

    [Theory]
    [InlineData("what's the stake worth?", true)]
    [InlineData("how big is the round", true)]
    [InlineData("what percentage does Fabrikam hold", true)]
    [InlineData("who hosts Northwind", false)]
    public void Amount_questions_are_recognised(string text, bool amount) => Assert.Equal(amount, ClaimReader.AsksForAmount(text));

    [Theory]
    [InlineData("since when has Contoso hosted Northwind", true)]
    [InlineData("until when does the licence run", true)]
    [InlineData("who hosts Northwind", false)]
    public void Time_questions_are_recognised(string text, bool time) => Assert.Equal(time, ClaimReader.AsksForTime(text));
}
