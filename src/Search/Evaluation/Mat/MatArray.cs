namespace Retrieval.Search.Evaluation.Mat;

/// <summary>MATLAB array classes (the mxCLASS codes of the MAT v5 format).</summary>
public enum MatClass
{
    Cell = 1,
    Struct = 2,
    Object = 3,
    Char = 4,
    Sparse = 5,
    Double = 6,
    Single = 7,
    Int8 = 8,
    UInt8 = 9,
    Int16 = 10,
    UInt16 = 11,
    Int32 = 12,
    UInt32 = 13,
    Int64 = 14,
    UInt64 = 15,
}

/// <summary>
/// One MATLAB array read from a MAT file. Elements are in MATLAB's column-major order: element (i, j)
/// of an m-by-n array is at index i + j*m.
/// </summary>
public abstract class MatArray
{
    private protected MatArray(string name, IReadOnlyList<int> dimensions)
    {
        Name = name;
        Dimensions = dimensions;
        Count = dimensions.Aggregate(1, (a, d) => a * d);
    }

    /// <summary>The variable name (empty for arrays nested in cells and structs).</summary>
    public string Name { get; }

    public IReadOnlyList<int> Dimensions { get; }

    /// <summary>Number of elements (the product of <see cref="Dimensions"/>).</summary>
    public int Count { get; }

    public abstract MatClass Class { get; }

    public override string ToString() => $"{Class} {string.Join('x', Dimensions)}";
}

/// <summary>A char array; each row is one string (a 1-by-n char array is one string).</summary>
public sealed class MatCharArray : MatArray
{
    internal MatCharArray(string name, IReadOnlyList<int> dimensions, IReadOnlyList<string> rows)
        : base(name, dimensions)
    {
        Rows = rows;
    }

    public override MatClass Class => MatClass.Char;

    public IReadOnlyList<string> Rows { get; }

    /// <summary>The rows joined by newlines; the string itself for the usual 1-by-n array.</summary>
    public string Text => string.Join('\n', Rows);
}

/// <summary>A numeric or logical array, values widened to <see cref="double"/> (the imaginary part is not supported).</summary>
public sealed class MatNumericArray : MatArray
{
    internal MatNumericArray(string name, IReadOnlyList<int> dimensions, MatClass matClass, bool isLogical, IReadOnlyList<double> values)
        : base(name, dimensions)
    {
        Class = matClass;
        IsLogical = isLogical;
        Values = values;
    }

    public override MatClass Class { get; }

    public bool IsLogical { get; }

    public IReadOnlyList<double> Values { get; }
}

/// <summary>A cell array: every cell holds an array of any class.</summary>
public sealed class MatCellArray : MatArray
{
    internal MatCellArray(string name, IReadOnlyList<int> dimensions, IReadOnlyList<MatArray> cells)
        : base(name, dimensions)
    {
        Cells = cells;
    }

    public override MatClass Class => MatClass.Cell;

    public IReadOnlyList<MatArray> Cells { get; }
}

/// <summary>A struct array: each element holds one array per field.</summary>
public sealed class MatStructArray : MatArray
{
    private readonly IReadOnlyList<IReadOnlyList<MatArray>> _elements;

    internal MatStructArray(string name, IReadOnlyList<int> dimensions, IReadOnlyList<string> fieldNames, IReadOnlyList<IReadOnlyList<MatArray>> elements)
        : base(name, dimensions)
    {
        FieldNames = fieldNames;
        _elements = elements;
    }

    public override MatClass Class => MatClass.Struct;

    public IReadOnlyList<string> FieldNames { get; }

    /// <summary>The value of field number <paramref name="field"/> of element <paramref name="element"/>.</summary>
    public MatArray this[int element, int field] => _elements[element][field];

    /// <summary>The value of the field called <paramref name="fieldName"/> of element <paramref name="element"/>.</summary>
    public MatArray this[int element, string fieldName]
    {
        get
        {
            var index = FieldNames.ToList().IndexOf(fieldName);
            return index >= 0 ? _elements[element][index] : throw new KeyNotFoundException($"The struct has no field '{fieldName}'; its fields are {string.Join(", ", FieldNames)}.");
        }
    }
}
