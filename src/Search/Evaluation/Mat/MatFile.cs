using System.Text;

namespace Retrieval.Search.Evaluation.Mat;

/// <summary>
/// A MATLAB Level 5 MAT file (what MATLAB's <c>save -v6</c> / <c>-v7</c> and scipy's <c>savemat</c>
/// write): a 128-byte header, then one tagged data element per variable, plain or zlib-compressed.
/// This reader covers what benchmark ground truth uses (char, cell, struct, numeric and logical arrays,
/// either byte order) and fails with a <see cref="MatFormatException"/> naming anything else: MAT v7.3
/// (HDF5), MAT v4, sparse, complex, object and function-handle arrays.
/// </summary>
public sealed class MatFile
{
    private const int HeaderLength = 128;

    private static ReadOnlySpan<byte> Hdf5Signature => [0x89, (byte)'H', (byte)'D', (byte)'F'];

    private MatFile(string description, IReadOnlyDictionary<string, MatArray> variables)
    {
        Description = description;
        Variables = variables;
    }

    /// <summary>The header's descriptive text ("MATLAB 5.0 MAT-file, ...").</summary>
    public string Description { get; }

    /// <summary>The variables by name, in file order.</summary>
    public IReadOnlyDictionary<string, MatArray> Variables { get; }

    public MatArray this[string name] => Variables.TryGetValue(name, out var value)
        ? value
        : throw new KeyNotFoundException($"The MAT file has no variable '{name}'; it has {string.Join(", ", Variables.Keys)}.");

    public static MatFile Read(string path)
    {
        byte[] content;
        try
        {
            content = File.ReadAllBytes(path);
        }
        catch (FileNotFoundException e)
        {
            throw new MatFormatException($"{path}: file not found.", e);
        }

        return Read(content, path);
    }

    /// <param name="content">The whole file.</param>
    /// <param name="source">The file's name, for error messages.</param>
    public static MatFile Read(byte[] content, string source)
    {
        ArgumentNullException.ThrowIfNull(content);
        var bigEndian = ReadHeader(content, source);
        var reader = new MatElementReader(content, HeaderLength, content.Length, bigEndian, source);
        var variables = new Dictionary<string, MatArray>(StringComparer.Ordinal);
        foreach (var array in reader.ReadTopLevel())
        {
            variables[array.Name] = array;
        }

        return new MatFile(Encoding.ASCII.GetString(content, 0, 116).TrimEnd(' ', '\0'), variables);
    }

    /// <summary>Checks the header and returns whether the file is big-endian.</summary>
    private static bool ReadHeader(byte[] content, string source)
    {
        if (content.Length >= 4 && content.AsSpan(0, 4).SequenceEqual(Hdf5Signature))
        {
            throw new MatFormatException($"{source}: an HDF5 file without a MAT header; not a MAT v5 file.");
        }

        if (content.Length < HeaderLength || !content.AsSpan(0, 6).SequenceEqual("MATLAB"u8))
        {
            throw new MatFormatException($"{source}: not a MAT v5 file (no 'MATLAB' header text; MAT v4 files are not supported). Re-save it in MATLAB with save(..., '-v7').");
        }

        var indicator = Encoding.ASCII.GetString(content, 126, 2);
        var bigEndian = indicator switch
        {
            "IM" => false,
            "MI" => true,
            _ => throw new MatFormatException($"{source}: bad endian indicator '{indicator}' in the MAT header; the file is corrupt."),
        };
        var version = bigEndian ? (content[124] << 8) | content[125] : content[124] | (content[125] << 8);
        if (version == 0x0200 || (content.Length > 516 && content.AsSpan(512, 4).SequenceEqual(Hdf5Signature)))
        {
            throw new MatFormatException($"{source}: MAT v7.3 (HDF5) is not supported. Re-save it in MATLAB with save(..., '-v7'), or with scipy.io.savemat.");
        }

        if (version != 0x0100)
        {
            throw new MatFormatException($"{source}: unknown MAT version 0x{version:X4} (expected 0x0100, MAT v5).");
        }

        return bigEndian;
    }
}
