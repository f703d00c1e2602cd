using System.Globalization;
using System.Text;
using System.Xml;
using Retrieval.Search.Evaluation.Metrics;

namespace Retrieval.Search.Evaluation.Reports;

/// <summary>
/// The report's two charts as self-contained SVG, drawn here (no plotting package): the mean
/// interpolated precision-recall curve and the histogram of per-query AP. Written through
/// <see cref="XmlWriter"/>, so user text is escaped and the output is well-formed XML.
/// </summary>
public static class SvgCharts
{
    private const string SvgNamespace = "http://www.w3.org/2000/svg";
    private const double Width = 560;
    private const double Height = 400;
    private const double Left = 60;
    private const double Right = 20;
    private const double Top = 40;
    private const double Bottom = 50;
    private const double PlotWidth = Width - Left - Right;
    private const double PlotHeight = Height - Top - Bottom;

    /// <summary>Bins of the AP histogram: [0, 0.1), ..., [0.9, 1.0]; AP 1 falls in the last.</summary>
    public const int HistogramBins = 10;

    public static string PrecisionRecall(MetricsSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        return Draw(
            $"Precision-recall, mean interpolated over {summary.Queries} queries (mAP {summary.MeanAveragePrecision.ToString("0.000", CultureInfo.InvariantCulture)})",
            "recall",
            "precision",
            1.0,
            integerTicks: false,
            svg =>
            {
                var points = string.Join(' ', summary.InterpolatedPrecisionRecall.Select(p => $"{N(X(p.Recall))},{N(Y(p.Precision, 1))}"));
                svg.WriteStartElement("polyline", SvgNamespace);
                svg.WriteAttributeString("points", points);
                svg.WriteAttributeString("fill", "none");
                svg.WriteAttributeString("stroke", "#1f77b4");
                svg.WriteAttributeString("stroke-width", "2");
                svg.WriteEndElement();
            });
    }

    public static string AveragePrecisionHistogram(IReadOnlyList<QueryEvaluation> queries)
    {
        ArgumentNullException.ThrowIfNull(queries);
        var counts = new int[HistogramBins];
        foreach (var q in queries)
        {
            counts[Math.Clamp((int)Math.Floor(q.AveragePrecision * HistogramBins), 0, HistogramBins - 1)]++;
        }

        // Five integer ticks: the axis top is the highest count rounded up to a multiple of 5.
        var max = Math.Max(5, (int)Math.Ceiling(counts.Max() / 5.0) * 5);
        return Draw(
            $"Per-query average precision ({queries.Count} queries)",
            "average precision",
            "queries",
            max,
            integerTicks: true,
            svg =>
            {
                var barWidth = PlotWidth / HistogramBins;
                for (var b = 0; b < HistogramBins; b++)
                {
                    var x = Left + (b * barWidth);
                    var y = Y(counts[b], max);
                    svg.WriteStartElement("rect", SvgNamespace);
                    svg.WriteAttributeString("x", N(x + 2));
                    svg.WriteAttributeString("y", N(y));
                    svg.WriteAttributeString("width", N(barWidth - 4));
                    svg.WriteAttributeString("height", N(Top + PlotHeight - y));
                    svg.WriteAttributeString("fill", "#1f77b4");
                    svg.WriteEndElement();
                    Text(svg, x + (barWidth / 2), y - 4, counts[b].ToString(CultureInfo.InvariantCulture), "middle", 11);
                }
            });
    }

    /// <summary>Frame, grid, ticks and labels around <paramref name="plot"/>; x runs 0..1, y 0..<paramref name="yMax"/>.</summary>
    private static string Draw(string title, string xLabel, string yLabel, double yMax, bool integerTicks, Action<XmlWriter> plot)
    {
        var sb = new StringBuilder();
        var settings = new XmlWriterSettings { Indent = true, OmitXmlDeclaration = true };
        using (var svg = XmlWriter.Create(sb, settings))
        {
            svg.WriteStartElement("svg", SvgNamespace);
            svg.WriteAttributeString("width", N(Width));
            svg.WriteAttributeString("height", N(Height));
            svg.WriteAttributeString("viewBox", $"0 0 {N(Width)} {N(Height)}");
            svg.WriteAttributeString("font-family", "sans-serif");
            Rect(svg, 0, 0, Width, Height, "white", null);
            Text(svg, Width / 2, 22, title, "middle", 13);
            for (var t = 0; t <= 5; t++)
            {
                var fraction = t / 5.0;
                var gx = X(fraction);
                var gy = Y(fraction * yMax, yMax);
                LineElement(svg, gx, Top, gx, Top + PlotHeight, "#dddddd");
                LineElement(svg, Left, gy, Left + PlotWidth, gy, "#dddddd");
                Text(svg, gx, Top + PlotHeight + 16, fraction.ToString("0.0", CultureInfo.InvariantCulture), "middle", 11);
                var yTick = integerTicks ? (fraction * yMax).ToString("0", CultureInfo.InvariantCulture) : fraction.ToString("0.0", CultureInfo.InvariantCulture);
                Text(svg, Left - 6, gy + 4, yTick, "end", 11);
            }

            Rect(svg, Left, Top, PlotWidth, PlotHeight, "none", "#333333");
            Text(svg, Left + (PlotWidth / 2), Height - 12, xLabel, "middle", 12);
            svg.WriteStartElement("text", SvgNamespace);
            svg.WriteAttributeString("transform", $"translate(16 {N(Top + (PlotHeight / 2))}) rotate(-90)");
            svg.WriteAttributeString("text-anchor", "middle");
            svg.WriteAttributeString("font-size", "12");
            svg.WriteString(yLabel);
            svg.WriteEndElement();
            plot(svg);
            svg.WriteEndElement();
        }

        return sb.ToString();
    }

    private static double X(double value) => Left + (Math.Clamp(value, 0, 1) * PlotWidth);

    private static double Y(double value, double max) => Top + PlotHeight - (Math.Clamp(value / max, 0, 1) * PlotHeight);

    private static void Rect(XmlWriter svg, double x, double y, double w, double h, string fill, string? stroke)
    {
        svg.WriteStartElement("rect", SvgNamespace);
        svg.WriteAttributeString("x", N(x));
        svg.WriteAttributeString("y", N(y));
        svg.WriteAttributeString("width", N(w));
        svg.WriteAttributeString("height", N(h));
        svg.WriteAttributeString("fill", fill);
        if (stroke is not null)
        {
            svg.WriteAttributeString("stroke", stroke);
        }

        svg.WriteEndElement();
    }

    private static void LineElement(XmlWriter svg, double x1, double y1, double x2, double y2, string stroke)
    {
        svg.WriteStartElement("line", SvgNamespace);
        svg.WriteAttributeString("x1", N(x1));
        svg.WriteAttributeString("y1", N(y1));
        svg.WriteAttributeString("x2", N(x2));
        svg.WriteAttributeString("y2", N(y2));
        svg.WriteAttributeString("stroke", stroke);
        svg.WriteEndElement();
    }

    private static void Text(XmlWriter svg, double x, double y, string text, string anchor, int size)
    {
        svg.WriteStartElement("text", SvgNamespace);
        svg.WriteAttributeString("x", N(x));
        svg.WriteAttributeString("y", N(y));
        svg.WriteAttributeString("text-anchor", anchor);
        svg.WriteAttributeString("font-size", size.ToString(CultureInfo.InvariantCulture));
        svg.WriteString(text);
        svg.WriteEndElement();
    }

    private static string N(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);
}
