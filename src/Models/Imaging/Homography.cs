using Retrieval.Models.Geometry;

namespace Retrieval.Models.Imaging;

/// <summary>
/// A projective map from a destination rectangle's pixel space to source image coordinates:
/// <c>X = (a u + b v + c) / (g u + h v + 1)</c>, <c>Y = (d u + e v + f) / (g u + h v + 1)</c>.
/// </summary>
public readonly record struct Homography(double A, double B, double C, double D, double E, double F, double G, double H)
{
    /// <summary>
    /// The map that sends the rectangle [0, width] x [0, height] onto <paramref name="quad"/>: (0, 0)
    /// to its top-left, (width, 0) to its top-right, (width, height) to its bottom-right and
    /// (0, height) to its bottom-left (Heckbert's square-to-quad construction, scaled).
    /// </summary>
    public static Homography RectangleToQuad(double width, double height, Quad quad)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        double x0 = quad.TopLeft.X, y0 = quad.TopLeft.Y;
        double x1 = quad.TopRight.X, y1 = quad.TopRight.Y;
        double x2 = quad.BottomRight.X, y2 = quad.BottomRight.Y;
        double x3 = quad.BottomLeft.X, y3 = quad.BottomLeft.Y;
        double sx = x0 - x1 + x2 - x3, sy = y0 - y1 + y2 - y3;
        double a, b, d, e, g, h;
        if (Math.Abs(sx) < 1e-9 && Math.Abs(sy) < 1e-9)
        {
            (a, b, d, e, g, h) = (x1 - x0, x2 - x1, y1 - y0, y2 - y1, 0, 0);
        }
        else
        {
            double dx1 = x1 - x2, dx2 = x3 - x2, dy1 = y1 - y2, dy2 = y3 - y2;
            var den = (dx1 * dy2) - (dx2 * dy1);
            if (Math.Abs(den) < 1e-12)
            {
                // Three corners on a line: no projective map exists; the affine part is the best guess.
                (a, b, d, e, g, h) = (x1 - x0, x3 - x0, y1 - y0, y3 - y0, 0, 0);
            }
            else
            {
                g = ((sx * dy2) - (dx2 * sy)) / den;
                h = ((dx1 * sy) - (sx * dy1)) / den;
                (a, b, d, e) = (x1 - x0 + (g * x1), x3 - x0 + (h * x3), y1 - y0 + (g * y1), y3 - y0 + (h * y3));
            }
        }

        // Compose with (u, v) -> (u / width, v / height).
        return new Homography(a / width, b / height, x0, d / width, e / height, y0, g / width, h / height);
    }

    public PointF Map(double u, double v)
    {
        var w = (G * u) + (H * v) + 1.0;
        return new PointF((float)(((A * u) + (B * v) + C) / w), (float)(((D * u) + (E * v) + F) / w));
    }
}
