using Retrieval.Indexer.Sources.Video;
using Retrieval.Models.Imaging;
using Retrieval.Models.Text;

namespace Retrieval.Indexer.Pipeline;

/// <summary>How an indexing run works: what it reads, how parallel each stage is, how writes are batched.</summary>
public sealed record IndexingOptions
{
    public OcrOptions Ocr { get; init; } = new();

    public ImageDecodeOptions Decode { get; init; } = ImageDecodeOptions.Default;

    /// <summary>How videos are sampled into frames (ffmpeg is needed only when a video is found).</summary>
    public VideoOptions Video { get; init; } = VideoOptions.Default;

    /// <summary>Models folder; null for the fetched defaults.</summary>
    public string? ModelsDirectory { get; init; }

    /// <summary>Parallel decoders (libvips runs single-threaded per image).</summary>
    public int DecodeWorkers { get; init; } = 1;

    /// <summary>
    /// Parallel detector sessions; their ONNX threads share the cores with the recognizers. The default
    /// gives detection about three quarters of the cores (at most 4 sessions), because detection is about
    /// 85 % of the model time at the default input size: on 2 cores two one-thread detectors keep both
    /// cores busy (98 %) where one two-thread detector reached 91 % and one one-thread detector 61 %
    /// (docs/BENCHMARKS.md, "Reading speed"). On a GPU one or two sessions are enough.
    /// </summary>
    public int DetectWorkers { get; init; } = Math.Clamp((int)Math.Round(Environment.ProcessorCount * 0.75), 1, 4);

    /// <summary>Parallel recognizer sessions (the default: a quarter of the cores, 1 to 4).</summary>
    public int RecognizeWorkers { get; init; } = Math.Clamp(Environment.ProcessorCount / 4, 1, 4);

    /// <summary>Images per write transaction.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Longest time a finished image waits before its batch is committed.</summary>
    public TimeSpan BatchInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Items each channel between stages holds before the stage before it waits.</summary>
    public int ChannelCapacity { get; init; } = 4;

    /// <summary>Drop records of files under the indexed roots that no longer exist.</summary>
    public bool Prune { get; init; }

    /// <summary>Clear the index first (also allows indexing with different models).</summary>
    public bool Rebuild { get; init; }

    /// <summary>Index files whose size and modified time are unchanged again anyway.</summary>
    public bool Force { get; init; }

    /// <summary>
    /// Add CLIP embeddings (the index's registered model) to the images read in this run and to the images already
    /// indexed that lack them; null to index text only.
    /// </summary>
    public EmbeddingOptions? Embedding { get; init; }

    /// <summary>
    /// Watching (<c>watch</c>, <c>serve --watch</c>): when <see cref="Embedding"/> is null and the index has a registered
    /// CLIP model whose embeddings it holds (or none yet), embed new and changed images with it too, at the precision the
    /// index was last embedded at. A model that cannot be used is logged and the run indexes text only.
    /// </summary>
    public bool EmbedWhenRegistered { get; init; }

    public void Validate()
    {
        var errors = new List<string>();
        void Check(bool ok, string message)
        {
            if (!ok)
            {
                errors.Add(message);
            }
        }

        Check(DecodeWorkers is >= 1 and <= 64, "DecodeWorkers must be 1..64.");
        Check(DetectWorkers is >= 1 and <= 64, "DetectWorkers must be 1..64.");
        Check(RecognizeWorkers is >= 1 and <= 64, "RecognizeWorkers must be 1..64.");
        Check(BatchSize is >= 1 and <= 10_000, "BatchSize must be 1..10000.");
        Check(BatchInterval > TimeSpan.Zero, "BatchInterval must be positive.");
        Check(ChannelCapacity is >= 1 and <= 1024, "ChannelCapacity must be 1..1024.");
        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid indexing options: " + string.Join(" ", errors));
        }

        Ocr.Validate();
        Decode.Validate();
        Video.Validate();
        Embedding?.Validate();
    }

    /// <summary>ONNX sessions that run at once; each gets its share of the cores.</summary>
    public int ConcurrentSessions => DetectWorkers + RecognizeWorkers + (Embedding is null ? 0 : 1);
}
