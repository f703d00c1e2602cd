using System.Globalization;
using System.Xml;
using System.Xml.Linq;
using Retrieval.Models.Geometry;

namespace Retrieval.Search.Evaluation.Datasets;

/// <summary>
/// Reads Street View Text ground truth (<c>test.xml</c>, <c>train.xml</c>):
/// <c>&lt;image&gt;&lt;imageName&gt;img/NN_NN.jpg&lt;/imageName&gt;...&lt;taggedRectangles&gt;&lt;taggedRectangle x y width height&gt;&lt;tag&gt;WORD</c>.
/// Image names stay as written (relative to the SVT root folder).
/// </summary>
public static class SvtGroundTruth
{
    public static IReadOnlyList<AnnotatedImage> ReadFile(string path)
    {
        var full = Path.GetFullPath(path);
        if (!File.Exists(full))
        {
            throw new DatasetFormatException($"--xml {full}: file not found.");
        }

        XDocument document;
        try
        {
            var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null };
            using var reader = XmlReader.Create(full, settings);
            document = XDocument.Load(reader, LoadOptions.SetLineInfo);
        }
        catch (XmlException e)
        {
            throw new DatasetFormatException($"{full}:{e.LineNumber}: not well-formed XML: {e.Message}", e);
        }

        if (document.Root is not { Name.LocalName: "tagset" } root)
        {
            throw new DatasetFormatException($"{full}: expected an SVT <tagset> root element, found <{document.Root?.Name.LocalName}>.");
        }

        var images = new List<AnnotatedImage>();
        foreach (var image in root.Elements("image"))
        {
            var name = image.Element("imageName")?.Value.Trim();
            if (string.IsNullOrEmpty(name))
            {
                throw Error(full, image, "<image> without an <imageName>.");
            }

            var words = new List<AnnotatedWord>();
            foreach (var rectangle in image.Element("taggedRectangles")?.Elements("taggedRectangle") ?? [])
            {
                var x = Number(full, rectangle, "x");
                var y = Number(full, rectangle, "y");
                var width = Number(full, rectangle, "width");
                var height = Number(full, rectangle, "height");
                var tag = rectangle.Element("tag")?.Value.Trim();
                if (string.IsNullOrEmpty(tag))
                {
                    throw Error(full, rectangle, $"<taggedRectangle> of {name} without a <tag>.");
                }

                words.Add(new AnnotatedWord(tag, [new PointF(x, y), new PointF(x + width, y), new PointF(x + width, y + height), new PointF(x, y + height)]));
            }

            images.Add(new AnnotatedImage(name, words));
        }

        if (images.Count == 0)
        {
            throw new DatasetFormatException($"{full}: no <image> elements; is this an SVT ground-truth file?");
        }

        return images;
    }

    private static float Number(string path, XElement element, string attribute)
    {
        var text = element.Attribute(attribute)?.Value;
        return float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw Error(path, element, $"attribute {attribute}=\"{text}\" is missing or not a number.");
    }

    private static DatasetFormatException Error(string path, XElement element, string message) =>
        DatasetFormatException.AtLine(path, ((IXmlLineInfo)element).LineNumber, message);
}
