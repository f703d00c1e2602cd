using System.Text;
using Retrieval.Models.Text;

namespace Retrieval.TestSupport.Text;

/// <summary>
/// Seeded synthetic lines shaped like recognizer output: 8 to 24 characters, one line in four
/// Chinese, 2 steps per character plus padding, 3 entries on character steps (the character and two
/// random confusions), 1 on blank steps. For size and speed measurements and store comparisons.
/// </summary>
public static class SyntheticText
{
    public const string Latin = "abcdefghijklmnopqrstuvwxyz0123456789";
    public const string Cjk = "中国银行出口停车场入营业时间欢迎光临大小";

    /// <summary>The next line from <paramref name="random"/>: its best reading and its lattice.</summary>
    public static (string Text, ReadingLattice Lattice) Line(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var alphabet = random.Next(4) == 0 ? Cjk : Latin;
        var length = random.Next(8, 25);
        var text = new StringBuilder();
        for (var i = 0; i < length; i++)
        {
            text.Append(i > 0 && alphabet == Latin && random.Next(6) == 0 ? ' ' : alphabet[random.Next(alphabet.Length)]);
        }

        var reading = text.ToString().Trim();
        var builder = new LatticeBuilder().Step(0.99f, ("-", 0.005f));
        foreach (var c in reading)
        {
            var p = 0.6f + (0.39f * (float)random.NextDouble());
            var other1 = alphabet[random.Next(alphabet.Length)].ToString();
            var other2 = alphabet[random.Next(alphabet.Length)].ToString();
            builder.Step(0.3f * (1 - p), (c.ToString(), p), (other1, 0.5f * (1 - p)), (other2, 0.1f * (1 - p)));
            builder.Step(0.95f, (c.ToString(), 0.04f));
        }

        builder.Step(0.99f, ("-", 0.005f));
        return (reading, builder.Build());
    }
}
