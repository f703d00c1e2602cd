using System.Collections.Concurrent;
using Retrieval.Models.Imaging;

namespace Retrieval.Models.Tests.Imaging;

public sealed class ImageDecoderConcurrencyTests : IDisposable
{
    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public void Two_hundred_decodes_on_four_threads_each_get_their_own_pixels_or_their_own_error()
    {
        var cases = MakeCases();
        var work = Enumerable.Range(0, 200).Select(i => cases[(i * 7) % cases.Count]).ToList();
        var outcomes = new ConcurrentBag<(Case Case, DecodedImage? Image, Exception? Error)>();

        Parallel.ForEach(work, new ParallelOptions { MaxDegreeOfParallelism = 4 }, c =>
        {
            try
            {
                outcomes.Add((c, ImageDecoder.Decode(c.Path), null));
            }
            catch (Exception e)
            {
                outcomes.Add((c, null, e));
            }
        });

        outcomes.Should().HaveCount(200);
        foreach (var (c, image, error) in outcomes)
        {
            if (c.Colour is { } colour)
            {
                error.Should().BeNull($"{c.Path} is a good image");
                TestImages.Distance(TestImages.At(image!.Image, 16, 12), colour).Should().BeLessThan(10, c.Path);
                continue;
            }

            var decodeError = error.Should().BeOfType<ImageDecodeException>().Which;
            decodeError.Source.Should().Be(c.Path, "each error names its own file");
            decodeError.Kind.Should().Be(c.Kind);
            foreach (var foreign in c.ForeignWords)
            {
                decodeError.Detail.Should().NotContainEquivalentOf(foreign, $"{c.Path}'s error must not carry another decode's libvips text");
            }

            if (c.OwnWord is { } own)
            {
                decodeError.Detail.Should().ContainEquivalentOf(own);
            }
        }
    }

    [Fact]
    public void The_libvips_error_buffer_is_shared_by_all_threads()
    {
        // This is why VipsCallGate exists: text logged on one thread is read on another.
        var seen = VipsCallGate.RunExclusive(() =>
        {
            var other = new Thread(() => VipsNative.vips_error("other-thread", "a message logged elsewhere"));
            other.Start();
            other.Join();
            return VipsCallGate.FailureText();
        });

        seen.Should().Contain("a message logged elsewhere");
    }

    [Fact]
    public void A_failure_in_shared_mode_is_repeated_exclusively_and_reads_only_its_own_text()
    {
        var attempts = 0;

        var text = VipsCallGate.Run(() =>
        {
            attempts++;
            if (!VipsCallGate.IsExclusive)
            {
                // Another thread's message lands in the shared buffer while this attempt runs.
                var other = new Thread(() => VipsNative.vips_error("other-thread", "not mine"));
                other.Start();
                other.Join();
            }

            VipsNative.vips_error("this-call", "mine");
            return VipsCallGate.FailureText();
        });

        attempts.Should().Be(2);
        text.Should().Be("this-call: mine");
    }

    private List<Case> MakeCases()
    {
        var cases = new List<Case>();
        var colours = new[] { new RgbColor(200, 30, 30), new RgbColor(30, 200, 30), new RgbColor(30, 30, 200), new RgbColor(200, 200, 30), new RgbColor(30, 200, 200), new RgbColor(90, 90, 90) };
        var formats = new[] { "png", "jpg", "webp", "tif" };
        for (var i = 0; i < 12; i++)
        {
            var colour = colours[i % colours.Length];
            var path = folder.File($"good{i}.{formats[i % formats.Length]}");
            ImageEncoder.Save(RgbImage.Filled(32, 24, colour.R, colour.G, colour.B), path);
            cases.Add(new Case(path, colour, default, [], null));
        }

        var noiseJpeg = ImageEncoder.EncodeJpeg(TestImages.Noise(160, 120));
        var noisePng = ImageEncoder.EncodePng(TestImages.Noise(160, 120));
        var noiseGif = folder.File("noise.gif");
        ImageEncoder.Save(TestImages.Noise(160, 120), noiseGif);
        var gif = File.ReadAllBytes(noiseGif);
        for (var i = 0; i < 3; i++)
        {
            cases.Add(new Case(folder.Write($"cut{i}.jpg", noiseJpeg[..(noiseJpeg.Length / 2)]), null, ImageErrorKind.Truncated, ["png", "gif"], "jpeg"));
            cases.Add(new Case(folder.Write($"cut{i}.png", noisePng[..(noisePng.Length / 2)]), null, ImageErrorKind.Truncated, ["jpeg", "gif"], "png"));
            cases.Add(new Case(folder.Write($"cut{i}.gif", gif[..(gif.Length / 2)]), null, ImageErrorKind.Truncated, ["jpeg", "png"], "gif"));
            cases.Add(new Case(folder.Write($"text{i}.jpg", "plain text"u8.ToArray()), null, ImageErrorKind.Unsupported, [], null));
            cases.Add(new Case(folder.File($"missing{i}.jpg"), null, ImageErrorKind.NotFound, [], null));
        }

        return cases;
    }

    /// <summary>A file and what decoding it must give: a colour, or an error kind whose libvips text names its own codec and no other.</summary>
    private sealed record Case(string Path, RgbColor? Colour, ImageErrorKind Kind, string[] ForeignWords, string? OwnWord);
}
