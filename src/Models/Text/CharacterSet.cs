using System.Text;

namespace Retrieval.Models.Text;

/// <summary>
/// The recognizer's output classes: 0 is the CTC blank, 1..N are the lines of the dictionary file
/// (ppocr_keys_v1.txt), N+1 is the space. Each class also has its folded symbol (a code point)
/// under the folding the recognizer was set up with.
/// </summary>
public sealed class CharacterSet
{
    public const int Blank = 0;

    private readonly string[] text;
    private readonly int[] folded;

    private CharacterSet(string[] text, TextFolding folding)
    {
        this.text = text;
        Folding = folding;
        folded = new int[text.Length];
        for (var i = 1; i < text.Length; i++)
        {
            folded[i] = Text.Folding.FoldSymbol(char.ConvertToUtf32(text[i], 0), folding);
        }
    }

    /// <summary>Number of classes, blank included.</summary>
    public int Count => text.Length;

    public int SpaceClass => text.Length - 1;

    public TextFolding Folding { get; }

    /// <summary>Loads a PaddleOCR dictionary: one symbol per line, space class appended.</summary>
    public static CharacterSet Load(string dictionaryPath, TextFolding folding = TextFolding.Default)
    {
        if (!File.Exists(dictionaryPath))
        {
            throw new FileNotFoundException($"Recognizer dictionary not found: {dictionaryPath}", dictionaryPath);
        }

        var lines = File.ReadAllLines(dictionaryPath, Encoding.UTF8);
        var classes = new string[lines.Length + 2];
        classes[0] = string.Empty;
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd('\r', '\n');
            if (line.Length == 0 || !Rune.TryGetRuneAt(line, 0, out var r) || r.Utf16SequenceLength != line.Length)
            {
                throw new InvalidDataException($"{dictionaryPath}:{i + 1}: expected one symbol per line, got '{line}'.");
            }

            classes[i + 1] = line;
        }

        classes[^1] = " ";
        return new CharacterSet(classes, folding);
    }

    /// <summary>The symbol of class <paramref name="index"/> as read (not folded).</summary>
    public string this[int index] => text[index];

    /// <summary>The folded code point of class <paramref name="index"/> (0 for blank).</summary>
    public int FoldedSymbol(int index) => folded[index];
}
