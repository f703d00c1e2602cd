using System.Runtime.InteropServices;

namespace Retrieval.Models.Imaging;

/// <summary>One piece of text to draw on a scene.</summary>
/// <param name="Text">The text; Pango markup is not interpreted.</param>
/// <param name="X">Left of the text's (unrotated) bounding box, in pixels.</param>
/// <param name="Y">Top of the text's (unrotated) bounding box, in pixels.</param>
/// <param name="Font">A Pango font description, e.g. "DejaVu Sans Bold 40" (size in points at 72 dpi = pixels).</param>
/// <param name="AngleDegrees">Clockwise rotation about the box's top-left corner.</param>
public sealed record TextItem(string Text, int X, int Y, string Font = "DejaVu Sans 32", double AngleDegrees = 0, byte R = 20, byte G = 20, byte B = 20);

/// <summary>A background to draw text on.</summary>
public enum SceneBackground
{
    Plain = 0,
    Gradient = 1,
    Noise = 2,
}

/// <summary>A synthetic picture: size, background and text items.</summary>
public sealed record SceneSpec(int Width, int Height, IReadOnlyList<TextItem> Items, SceneBackground Background = SceneBackground.Plain, int Seed = 1, byte BackgroundR = 235, byte BackgroundG = 235, byte BackgroundB = 225);

/// <summary>A rendered scene and, per text item in order, the quad its ink occupies.</summary>
public sealed record RenderedScene(RgbImage Image, IReadOnlyList<Geometry.Quad> TextBoxes);

/// <summary>
/// Renders text onto synthetic backgrounds with libvips (Pango/fontconfig): the project's own sample
/// collection and test images, so nothing third-party is committed. Deterministic for a given spec.
/// </summary>
public static class TextRenderer
{
    public static RgbImage Render(SceneSpec scene) => RenderWithBoxes(scene).Image;

    public static RenderedScene RenderWithBoxes(SceneSpec scene)
    {
        ArgumentNullException.ThrowIfNull(scene);
        var image = Background(scene);
        var boxes = new List<Geometry.Quad>(scene.Items.Count);
        foreach (var item in scene.Items)
        {
            boxes.Add(VipsCallGate.Run(() => Draw(image, item)));
        }

        return new RenderedScene(image, boxes);
    }

    private static RgbImage Background(SceneSpec scene)
    {
        var image = RgbImage.Filled(scene.Width, scene.Height, scene.BackgroundR, scene.BackgroundG, scene.BackgroundB);
        if (scene.Background == SceneBackground.Plain)
        {
            return image;
        }

        var random = new Random(scene.Seed);
        var p = image.Pixels;
        for (var y = 0; y < scene.Height; y++)
        {
            for (var x = 0; x < scene.Width; x++)
            {
                var i = ((y * scene.Width) + x) * 3;
                int delta = scene.Background == SceneBackground.Gradient
                    ? (int)(60.0 * x / scene.Width) - 30 + (int)(30.0 * y / scene.Height)
                    : random.Next(-40, 41);
                p[i] = Clamp(p[i] + delta);
                p[i + 1] = Clamp(p[i + 1] + (delta / 2));
                p[i + 2] = Clamp(p[i + 2] - (delta / 3));
            }
        }

        return image;
    }

    /// <summary>Draws one item and returns the quad of its unrotated text box, rotated like the text; runs inside <see cref="VipsCallGate"/>.</summary>
    private static Geometry.Quad Draw(RgbImage image, TextItem item)
    {
        if (VipsNative.vips_text(out var raw, EscapeMarkup(item.Text), "font", item.Font, "dpi", 72, IntPtr.Zero) != 0 || raw == IntPtr.Zero)
        {
            throw new VipsException($"Rendering '{item.Text}' failed: {VipsCallGate.FailureText()}");
        }

        using var mask = new VipsImageHandle(raw);
        var textWidth = mask.Width;
        var textHeight = mask.Height;
        VipsImageHandle? rotated = null;
        try
        {
            var source = mask;
            if (item.AngleDegrees != 0)
            {
                rotated = VipsNative.Check(VipsNative.vips_rotate(mask, out var r, item.AngleDegrees, IntPtr.Zero), r, "Rotating text");
                source = rotated;
            }

            var width = source.Width;
            var height = source.Height;
            var memory = VipsNative.vips_image_write_to_memory(source, out var size);
            if (memory == IntPtr.Zero)
            {
                throw new VipsException($"Reading rendered text failed: {VipsCallGate.FailureText()}");
            }

            try
            {
                var alpha = new byte[(int)size];
                Marshal.Copy(memory, alpha, 0, alpha.Length);
                Blend(image, alpha, width, height, source.Bands, item);
            }
            finally
            {
                VipsNative.g_free(memory);
            }

            return TextQuad(item, textWidth, textHeight, width, height);
        }
        finally
        {
            rotated?.Dispose();
        }
    }

    /// <summary>
    /// vips_rotate turns the mask about its centre and returns the bounding box of the result, which
    /// is drawn at (X, Y); the text's own corners are the unrotated box's corners rotated the same way.
    /// </summary>
    private static Geometry.Quad TextQuad(TextItem item, int textWidth, int textHeight, int rotatedWidth, int rotatedHeight)
    {
        var angle = item.AngleDegrees * Math.PI / 180.0;
        var (sin, cos) = Math.SinCos(angle);
        var cx = item.X + (rotatedWidth / 2.0);
        var cy = item.Y + (rotatedHeight / 2.0);
        Geometry.PointF Corner(double x, double y)
        {
            var dx = x - (textWidth / 2.0);
            var dy = y - (textHeight / 2.0);
            return new Geometry.PointF((float)(cx + (dx * cos) - (dy * sin)), (float)(cy + (dx * sin) + (dy * cos)));
        }

        return new Geometry.Quad(Corner(0, 0), Corner(textWidth, 0), Corner(textWidth, textHeight), Corner(0, textHeight));
    }

    private static void Blend(RgbImage image, byte[] alpha, int width, int height, int bands, TextItem item)
    {
        var p = image.Pixels;
        for (var y = 0; y < height; y++)
        {
            var iy = item.Y + y;
            if (iy < 0 || iy >= image.Height)
            {
                continue;
            }

            for (var x = 0; x < width; x++)
            {
                var ix = item.X + x;
                if (ix < 0 || ix >= image.Width)
                {
                    continue;
                }

                var a = alpha[((y * width) + x) * bands] / 255f;
                if (a <= 0f)
                {
                    continue;
                }

                var i = ((iy * image.Width) + ix) * 3;
                p[i] = (byte)((p[i] * (1 - a)) + (item.R * a));
                p[i + 1] = (byte)((p[i + 1] * (1 - a)) + (item.G * a));
                p[i + 2] = (byte)((p[i + 2] * (1 - a)) + (item.B * a));
            }
        }
    }

    private static string EscapeMarkup(string text) =>
        text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);

    private static byte Clamp(int v) => (byte)Math.Clamp(v, 0, 255);
}
