using Retrieval.Models.Text;
using Retrieval.TestSupport.Text;

namespace Retrieval.Models.Tests.Text;

public sealed class LatticeAlternativesTests
{
    [Fact]
    public void A_confident_lattice_has_its_best_path_as_the_only_likely_reading()
    {
        var readings = LatticeAlternatives.Derive(LatticeBuilder.Clean("exit"));

        readings[0].Text.Should().Be("exit");
        readings.Should().OnlyContain(r => r.Text == "exit" || r.LogProbability < readings[0].LogProbability - 2);
    }

    [Fact]
    public void An_uncertain_character_yields_the_second_choice_as_an_alternative()
    {
        var lattice = new LatticeBuilder().Character("e").Character("x").Confused("l", 0.55f, "i", 0.4f).Character("t").Build();

        var texts = LatticeAlternatives.DeriveTexts(lattice);

        lattice.BestPath().Should().Be("exlt");
        texts[0].Should().Be("exlt");
        texts.Should().Contain("exit");
    }

    [Fact]
    public void A_likely_blank_yields_the_reading_without_that_character()
    {
        var lattice = new LatticeBuilder().Character("a").Step(0.45f, ("b", 0.55f)).Blank().Character("c").Build();

        LatticeAlternatives.DeriveTexts(lattice).Should().StartWith("abc").And.Contain("ac");
    }

    [Fact]
    public void Repeated_symbols_collapse_unless_a_blank_separates_them()
    {
        // "l" on two consecutive steps is one character; with a blank between it is two.
        var merged = new LatticeBuilder().Step(0f, ("l", 1f)).Step(0f, ("l", 1f)).Build();
        var doubled = new LatticeBuilder().Step(0f, ("l", 1f)).Step(1f).Step(0f, ("l", 1f)).Build();

        LatticeAlternatives.Derive(merged).Should().ContainSingle().Which.Text.Should().Be("l");
        LatticeAlternatives.Derive(doubled).Should().ContainSingle().Which.Text.Should().Be("ll");
    }

    [Fact]
    public void The_probability_of_a_reading_sums_over_its_alignments()
    {
        // Two steps, "a" 0.6 / blank 0.4 each: "a" = aa + a_ + _a = 0.36 + 0.24 + 0.24; "" = 0.16.
        var lattice = new LatticeBuilder().Step(0.4f, ("a", 0.6f)).Step(0.4f, ("a", 0.6f)).Build();

        var readings = LatticeAlternatives.Derive(lattice);

        readings.Select(r => r.Text).Should().Equal("a", string.Empty);
        Math.Exp(readings[0].LogProbability).Should().BeApproximately(0.84, 1e-6);
        Math.Exp(readings[1].LogProbability).Should().BeApproximately(0.16, 1e-6);
    }

    [Fact]
    public void The_number_of_readings_is_bounded_and_unlikely_ones_are_dropped()
    {
        var builder = new LatticeBuilder();
        for (var i = 0; i < 12; i++)
        {
            builder.Confused("a", 0.5f, "b", 0.45f);
        }

        var lattice = builder.Build();
        LatticeAlternatives.Derive(lattice).Should().HaveCount(8);
        LatticeAlternatives.Derive(lattice, new LatticeAlternativesOptions { MaxCount = 3, BeamWidth = 4 }).Should().HaveCount(3);
        LatticeAlternatives.Derive(LatticeBuilder.Clean("abc"), new LatticeAlternativesOptions { MinRelativeProbability = 0.5 }).Should().ContainSingle();
    }

    [Fact]
    public void An_empty_lattice_reads_as_the_empty_string()
    {
        LatticeAlternatives.Derive(ReadingLattice.Empty).Should().ContainSingle().Which.Text.Should().BeEmpty();
    }

    [Fact]
    public void Readings_are_deterministic_under_ties()
    {
        var lattice = new LatticeBuilder().Confused("x", 0.45f, "y", 0.45f).Build();

        LatticeAlternatives.DeriveTexts(lattice).Should().Equal(LatticeAlternatives.DeriveTexts(lattice)).And.StartWith(["x", "y"]);
    }

    [Fact]
    public void Invalid_options_are_all_reported()
    {
        var act = () => new LatticeAlternativesOptions { BeamWidth = 0, MaxCount = 0, MinRelativeProbability = 2 }.Validate();

        act.Should().Throw<ArgumentException>().Which.Message.Should().Contain("BeamWidth").And.Contain("MaxCount").And.Contain("MinRelativeProbability");
    }
}
