namespace Retrieval.Models.Clip;

/// <summary>
/// GPT-2/CLIP's reversible byte → character table: printable Latin-1 bytes map to themselves, the other 68 bytes to
/// U+0100 onwards, so every UTF-8 byte sequence becomes a string of visible characters BPE can work on.
/// </summary>
internal static class ByteEncoding
{
    /// <summary>The 256 byte symbols in CLIP's vocabulary order (printable bytes first, then the remapped ones).</summary>
    public static IReadOnlyList<string> Symbols { get; }

    /// <summary>Byte value → its symbol character.</summary>
    public static IReadOnlyList<char> ByByte { get; }

    static ByteEncoding()
    {
        var order = new List<int>();
        for (var b = '!'; b <= '~'; b++)
        {
            order.Add(b);
        }

        for (var b = '¡'; b <= '¬'; b++)
        {
            order.Add(b);
        }

        for (var b = '®'; b <= 'ÿ'; b++)
        {
            order.Add(b);
        }

        var byByte = new char[256];
        var mapped = new bool[256];
        foreach (var b in order)
        {
            byByte[b] = (char)b;
            mapped[b] = true;
        }

        var next = 0;
        for (var b = 0; b < 256; b++)
        {
            if (!mapped[b])
            {
                byByte[b] = (char)(256 + next++);
                order.Add(b);
            }
        }

        ByByte = byByte;
        Symbols = [.. order.Select(b => byByte[b].ToString())];
    }
}
