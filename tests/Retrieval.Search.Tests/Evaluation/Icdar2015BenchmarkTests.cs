using Retrieval.Search.Evaluation;
using Retrieval.Search.Evaluation.Datasets;
using Xunit.Abstractions;

namespace Retrieval.Search.Tests.Evaluation;

public sealed class Icdar2015BenchmarkTests(ITestOutputHelper output)
{
    [Fact]
    public void Ground_truth_lines_keep_commas_in_the_transcription_and_survive_a_bom_and_mixed_line_endings()
    {
        using var temp = new TempFolder();
        var path = temp.Write("gt_img_1.txt", "\uFEFF377,117,463,117,465,130,378,130,Genaxis Theatre\r\n493,115,519,115,519,131,493,131,1,000\r374,155,409,155,409,170,374,170,###\n\n1,2,3,4,5,6,7,8,\n");

        var words = IcdarGroundTruth.ReadFile(path);

        words.Select(w => w.Text).Should().Equal("Genaxis Theatre", "1,000", "###", string.Empty);
        words[0].Polygon.Should().HaveCount(4);
        words[0].MinX.Should().Be(377);
        words[2].IsIllegible.Should().BeTrue();
    }

    [Fact]
    public void A_ground_truth_line_with_too_few_fields_is_reported_with_file_and_line()
    {
        using var temp = new TempFolder();
        var path = temp.Write("gt_img_2.txt", "1,2,3,4,5,6,7,8,ok\n1,2,3,4,5,6,7\n");

        var act = () => IcdarGroundTruth.ReadFile(path);

        act.Should().Throw<DatasetFormatException>().WithMessage($"{path}:2: expected*");
    }

    [Fact]
    public void A_non_numeric_corner_is_reported_with_file_and_line()
    {
        using var temp = new TempFolder();
        var path = temp.Write("gt_img_3.txt", "1,2,3,x,5,6,7,8,word\n");

        var act = () => IcdarGroundTruth.ReadFile(path);

        act.Should().Throw<DatasetFormatException>().WithMessage($"{path}:1: corner 2*");
    }

    [Fact]
    public void The_mstar_normalization_lower_cases_drops_punctuation_and_strips_quotes()
    {
        WordNormalizer.Normalize("'SALE!'", WordNormalization.Mstar).Should().Be("sale");
        WordNormalizer.Normalize("\"Marks&\"", WordNormalization.Mstar).Should().Be("marks");
        WordNormalizer.Normalize("U.S.A.", WordNormalization.Mstar).Should().Be("usa");
        WordNormalizer.Normalize("$9.99#", WordNormalization.Mstar).Should().Be("999");
        WordNormalizer.Normalize("it's", WordNormalization.Mstar).Should().Be("it's");
        WordNormalizer.Normalize("&", WordNormalization.Mstar).Should().BeEmpty();
        WordNormalizer.Normalize("EXIT!", WordNormalization.LowerCase).Should().Be("exit!");
    }

    [Fact]
    public void Word_queries_count_images_not_occurrences_and_break_ties_alphabetically()
    {
        var images = new[]
        {
            Image("a", "Exit", "EXIT", "no", "###", "Bus"),
            Image("b", "exit!", "bus", "Cab"),
            Image("c", "cab", "'Zoo'"),
        };

        var top2 = WordQueryDerivation.Derive(images, WordQueryRule.Mstar(2));
        var all = WordQueryDerivation.Derive(images, WordQueryRule.Mstar(null));

        top2.Select(q => (q.Text, q.ImageNames.Count)).Should().Equal(("bus", 2), ("cab", 2));
        all.Select(q => q.Text).Should().Equal("bus", "cab", "exit", "zoo");
        all.Should().OnlyContain(q => q.Kind == BenchmarkQueryKind.Word);
    }

    [Fact]
    public void A_phrase_joins_a_word_to_its_nearest_neighbour_on_the_same_line()
    {
        // Heights 20. "east" -> "west" (gap 10 < 30); "west" -> "line" (gap 25); "line" -> "far" is
        // 40 away (>= 1.5 heights); "low" is on another line; the illegible box is not a word.
        var image = new AnnotatedImage("i", [
            Word("East", 0, 0, 50, 20),
            Word("West", 60, 2, 110, 22),
            Word("###", 112, 0, 130, 20),
            Word("Line", 135, 0, 180, 20),
            Word("far", 220, 0, 260, 20),
            Word("low", 60, 30, 110, 50),
        ]);

        PhraseQueryDerivation.PhrasesOf(image, new PhraseQueryRule()).Should().Equal("east west", "west line");
    }

    [Fact]
    public void Phrases_are_kept_when_they_occur_in_enough_images()
    {
        AnnotatedImage Pair(string name) => new(name, [Word("Food", 0, 0, 40, 20), Word("Court", 45, 0, 90, 20)]);
        var images = new[] { Pair("a"), Pair("b"), new AnnotatedImage("c", [Word("food", 0, 0, 40, 20)]) };

        var phrases = PhraseQueryDerivation.Derive(images, new PhraseQueryRule());

        phrases.Should().ContainSingle().Which.Should().Match<DerivedQuery>(q => q.Text == "food court" && q.ImageNames.Count == 2 && q.Kind == BenchmarkQueryKind.Phrase);
        PhraseQueryDerivation.Derive(images, new PhraseQueryRule(MinimumImages: 3)).Should().BeEmpty();
    }

    [Fact]
    public void The_dev_split_yields_100_top_words_2320_words_and_103_phrases()
    {
        if (EvaluationTestData.Icdar2015Train is not { } data)
        {
            output.WriteLine("Skipped: ICDAR2015 dev data not found (set RETRIEVAL_DEV_DATA).");
            return;
        }

        var annotations = IcdarGroundTruth.ReadDirectory(Path.Combine(data, "gt"), CancellationToken.None);
        var options = new Icdar2015Options(Path.Combine(data, "images"), Path.Combine(data, "gt"));
        var top = Icdar2015Benchmark.DeriveQueries(annotations, options);
        var all = Icdar2015Benchmark.DeriveQueries(annotations, options with { QuerySet = WordQuerySet.AllWords });
        var phrases = Icdar2015Benchmark.DeriveQueries(annotations, options with { QuerySet = WordQuerySet.Phrases });
        output.WriteLine($"top {top.Count} (relevant {top.Sum(q => q.ImageNames.Count)}, {top[^1].ImageNames.Count}..{top[0].ImageNames.Count}), all {all.Count} (relevant {all.Sum(q => q.ImageNames.Count)}), phrases {phrases.Count} (relevant {phrases.Sum(q => q.ImageNames.Count)})");

        annotations.Should().HaveCount(1000);
        annotations.Sum(a => a.Words.Count).Should().Be(11886);
        annotations.Sum(a => a.Words.Count(w => !w.IsIllegible)).Should().Be(4468);
        top.Should().HaveCount(100);
        top.Take(3).Select(q => (q.Text, q.ImageNames.Count)).Should().Equal(("sale", 94), ("the", 64), ("exit", 56));
        top.Sum(q => q.ImageNames.Count).Should().Be(1005);
        top[^1].Should().Match<DerivedQuery>(q => q.Text == "make" && q.ImageNames.Count == 5);
        all.Should().HaveCount(2320);
        phrases.Should().HaveCount(103);
        phrases.Take(2).Select(q => (q.Text, q.ImageNames.Count)).Should().Equal(("sale sale", 10), ("east west", 5));
        phrases.Sum(q => q.ImageNames.Count).Should().Be(262);
        all.Sum(q => q.ImageNames.Count).Should().Be(4007);
    }

    [Fact]
    public void Loading_the_dev_split_puts_every_image_in_the_gallery()
    {
        if (EvaluationTestData.Icdar2015Train is not { } data)
        {
            output.WriteLine("Skipped: ICDAR2015 dev data not found (set RETRIEVAL_DEV_DATA).");
            return;
        }

        var dataset = Icdar2015Benchmark.Load(new Icdar2015Options(Path.Combine(data, "images"), Path.Combine(data, "gt")), CancellationToken.None);

        dataset.Name.Should().Be("icdar2015-top100");
        dataset.GalleryImages.Should().HaveCount(1000).And.OnlyContain(p => Path.IsPathFullyQualified(p) && File.Exists(p));
        dataset.Queries.Should().HaveCount(100);
        dataset.Queries[0].RelevantImages.Should().Contain(Path.Combine(data, "images", "img_865.jpg"));
        dataset.Warnings.Should().BeEmpty();
    }

    [Fact]
    public void A_ground_truth_file_without_its_image_is_an_error_naming_it()
    {
        using var temp = new TempFolder();
        temp.Write("gt/gt_img_1.txt", "0,0,10,0,10,10,0,10,word\n");
        temp.Write("gt/gt_img_2.txt", "0,0,10,0,10,10,0,10,word\n");
        temp.Write("images/img_1.jpg", TinyImages.Jpeg);

        var act = () => Icdar2015Benchmark.Load(new Icdar2015Options(Path.Combine(temp.Path, "images"), Path.Combine(temp.Path, "gt")), CancellationToken.None);

        act.Should().Throw<DatasetFormatException>().WithMessage("1 annotated image(s) not found*img_2*");
    }

    private static AnnotatedImage Image(string name, params string[] words) =>
        new(name, words.Select(w => Word(w, 0, 0, 10, 10)).ToList());

    private static AnnotatedWord Word(string text, float x1, float y1, float x2, float y2) =>
        new(text, [new(x1, y1), new(x2, y1), new(x2, y2), new(x1, y2)]);
}
