using System.CommandLine;
using Retrieval.Models.Onnx;
using Retrieval.Models.Text.Detection;

namespace Retrieval.Indexer.Cli;

/// <summary>Options several commands share, defined once so they read and default the same everywhere.</summary>
internal static class CommonOptions
{
    public static Option<ExecutionDevice> Device() => new("--device")
    {
        Description = "Where the models run: Cpu, Cuda, or Auto (CUDA when its provider loads, else CPU with a warning).",
        DefaultValueFactory = _ => ExecutionDevice.Cpu,
    };

    public static Option<DetectorPreset> Detector() => new("--detector")
    {
        Description = "Text detector setting: Accurate (input enlarged to a 960-pixel shorter side: finds more small text) or Fast (PaddleOCR's 960-pixel longer side: about 3x faster). See docs/BENCHMARKS.md.",
        DefaultValueFactory = _ => DetectorPreset.Accurate,
    };

    public static Option<string?> Models() => new("--models")
    {
        Description = "Folder with the PP-OCRv4 model files (default: the ones the build fetched into the cache).",
    };

    public static Option<int> Threads() => new("--threads")
    {
        Description = "ONNX Runtime threads per model session (0 = divide the cores among the sessions that run at once).",
        DefaultValueFactory = _ => 0,
    };

    public static Option<string> Index() => new("--index")
    {
        Description = "The index folder.",
        DefaultValueFactory = _ => "index-data",
    };

    /// <summary>Where the index lives, in any form; wins over <see cref="Index"/> (the SQLite spelling) when given.</summary>
    public static Option<string?> Store() => new("--store")
    {
        Description = "The index: a directory (SQLite), postgres://user[:password]@host[:port]/database, or an Npgsql connection string. Overrides --index.",
    };

    /// <summary>PostgreSQL only: <see cref="Retrieval.Search.Store.Postgres.PostgresIndexOptions.WordSimilarityThreshold"/>.</summary>
    public static Option<double?> WordSimilarity() => new("--word-similarity")
    {
        Description = "PostgreSQL only: prune candidate lines by pg_trgm word similarity to each query word first (0 < X <= 1, e.g. 0.5). Bounds the database work per query on very large indexes; the least similar candidates are then dropped, so results may differ from the default exact candidates.",
    };

    public static Option<bool> Json() => new("--json")
    {
        Description = "Print machine-readable JSON instead of text.",
    };

    public static Option<bool> KeepOrientation() => new("--keep-orientation")
    {
        Description = "Ignore EXIF orientation and work in stored pixel coordinates (benchmark ground truth is in stored pixels).",
    };
}
