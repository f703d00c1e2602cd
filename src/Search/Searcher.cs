using System.Collections.Concurrent;
using System.Diagnostics;
using Retrieval.Search.Query;
using Retrieval.Search.Scoring;
using Retrieval.Search.Store;
using Retrieval.Search.Vectors;

namespace Retrieval.Search;

/// <summary>
/// One ranked image: the stored image, its calibrated score and the matches that explain it. <see cref="Channels"/>
/// says what the text and CLIP channels scored when the ranking was fused; it is null for a text-only ranking.
/// </summary>
public sealed record SearchHit(StoredImage Image, double Score, IReadOnlyList<SpanMatch> Matches, ChannelScores? Channels = null);

/// <summary>
/// The answer to one query: its parse, the page of hits asked for, how many images matched at all, and the time taken.
/// <see cref="Fusion"/> is how the channels were combined (<see cref="FusionMethod.Off"/> for text only).
/// </summary>
public sealed record SearchResponse(ParsedQuery Query, IReadOnlyList<SearchHit> Hits, int TotalMatches, int CandidateLines, TimeSpan Elapsed, FusionMethod Fusion = FusionMethod.Off)
{
    /// <summary>Where <see cref="Elapsed"/> went, stage by stage (for profiling and the bench).</summary>
    public SearchTimings Timings { get; init; } = SearchTimings.Zero;
}

/// <summary>
/// Wall time of the stages of one search: parsing and compiling the query, the candidate lookup
/// (n-gram SQL), reading and decoding the lattices to rank (for phrases, of whole images), ranking
/// them, and explaining the page of hits (their lines read again with words, matches located, the
/// stored images read).
/// </summary>
public sealed record SearchTimings(TimeSpan Parse, TimeSpan Candidates, TimeSpan Fetch, TimeSpan Score, TimeSpan Hits)
{
    public static SearchTimings Zero { get; } = new(default, default, default, default, default);
}

/// <summary>
/// The single place where ranking happens: the CLI, the HTTP API and the evaluator all call it, so
/// they can never disagree. A query is parsed and folded like the index, its telling words
/// (<see cref="LookupTerms"/>) fetch candidate lines by n-grams from the store, the lattices of
/// every candidate image are scored by CTC keyword spotting, and images are ranked by calibrated
/// score (ties by id). Only the page of hits returned is explained: its lines are read again with
/// their words and scored with match locations and boxes, which gives the same scores; so the
/// thousands of candidate lines of a large index are read without words and scored without
/// locating matches. With a <see cref="ClipChannel"/> (a registered CLIP model and its embeddings)
/// and fusion on, the query is also embedded and scanned against every image and text-region
/// embedding, and the two channels are fused (<see cref="ScoreFusion"/>); without one, or with
/// fusion off, the ranking is the text channel's alone, exactly as it was before CLIP existed. The
/// caller owns the channel. Thread-safe.
/// </summary>
public sealed class Searcher(IIndexStore store, QueryParser parser, ImageScorer scorer, ClipChannel? clip = null)
{
    // Below this many lines (or images) to read or rank, a query stays on its thread: splitting costs more than it saves.
    private const int ParallelLines = 512;

    private IndexInfo? info;

    public static Searcher Create(IIndexStore store) => new(store, new QueryParser(), new ImageScorer());

    /// <summary>A searcher with the default parser and scorer and, when not null, the CLIP channel (owned by the caller).</summary>
    public static Searcher Create(IIndexStore store, ClipChannel? clip) => new(store, new QueryParser(), new ImageScorer(), clip);

    /// <summary>The CLIP channel, or null when search is text-only.</summary>
    public ClipChannel? Clip => clip;

    public async Task<SearchResponse> SearchAsync(string query, SearchOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var clock = Stopwatch.StartNew();
        info ??= await store.GetInfoAsync(cancellationToken).ConfigureAwait(false);
        var parsed = parser.Parse(query, info.Folding);
        var compiled = scorer.Compile(parsed);
        var parseTime = clock.Elapsed;

        // Phrases and several words are judged on whole images (neighbouring lines count), single words on their candidate lines.
        var wholeImages = !options.Exhaustive && (parsed.Clauses.Count > 1 || parsed.Clauses.Any(c => c.IsPhrase));
        Dictionary<long, List<CandidateLine>> byImage;
        int candidateLines;
        TimeSpan candidatesTime = default;
        if (options.Exhaustive)
        {
            byImage = await AllLinesAsync(cancellationToken).ConfigureAwait(false);
            candidateLines = byImage.Values.Sum(l => l.Count);
        }
        else
        {
            var ids = await CandidateLineIdsAsync(parsed, options, cancellationToken).ConfigureAwait(false);
            candidatesTime = clock.Elapsed - parseTime;
            var threads = Threads(options);
            var lattices = await ReadSplitAsync(ids, store.GetLineLatticesAsync, threads, cancellationToken).ConfigureAwait(false);
            candidateLines = lattices.Count;
            if (wholeImages)
            {
                var imageIds = lattices.Select(l => l.ImageId).Distinct().Order().ToList();
                lattices = await ReadSplitAsync(imageIds, store.GetImageLineLatticesAsync, threads, cancellationToken).ConfigureAwait(false);
            }

            byImage = Group(lattices);
        }

        var fetchTime = clock.Elapsed - parseTime - candidatesTime;

        // One version of the vectors for the whole search; a following channel may renew them meanwhile. A channel
        // with nothing embedded yet (following an index being filled) searches by text alone, as without one.
        using var vectors = clip is not null && options.Fusion.Method != FusionMethod.Off ? await clip.AcquireAsync(cancellationToken).ConfigureAwait(false) : null;
        var fused = vectors is { Vectors.Count: > 0 };
        var scored = Rank(compiled, byImage, fused ? double.Epsilon : options.MinScore, options, cancellationToken);
        scored.Sort((a, b) => b.Score != a.Score ? b.Score.CompareTo(a.Score) : a.ImageId.CompareTo(b.ImageId));
        var scoreTime = clock.Elapsed - parseTime - candidatesTime - fetchTime;
        if (fused)
        {
            return await FusedAsync(parsed, compiled, scored, byImage, wholeImages, candidateLines, vectors!.Vectors, options, clock, cancellationToken).ConfigureAwait(false);
        }

        var page = scored.Skip(options.Offset).Take(options.Top).ToList();
        var explained = options.Exhaustive ? byImage : await PageLinesAsync(page, byImage, wholeImages, cancellationToken).ConfigureAwait(false);
        var hits = new List<SearchHit>(page.Count);
        foreach (var (imageId, score) in page)
        {
            var match = scorer.Score(compiled, explained.GetValueOrDefault(imageId) ?? [], cancellationToken);
            Debug.Assert(match.Score == score, "Explaining an image must give the score it was ranked by.");
            var image = await store.GetImageAsync(imageId, cancellationToken).ConfigureAwait(false);
            if (image is not null)
            {
                hits.Add(new SearchHit(image, score, match.Spans.OrderByDescending(s => s.Score).ToList()));
            }
        }

        var elapsed = clock.Elapsed;
        return new SearchResponse(parsed, hits, scored.Count, candidateLines, elapsed)
        {
            Timings = new SearchTimings(parseTime, candidatesTime, fetchTime, scoreTime, elapsed - parseTime - candidatesTime - fetchTime - scoreTime),
        };
    }

    private static int Threads(SearchOptions options) => options.Parallelism == 0 ? Environment.ProcessorCount : options.Parallelism;

    /// <summary>
    /// Reads lattices for ascending ids; many ids are split into consecutive runs read at the same
    /// time on separate connections (decoding is a good part of the work), concatenated in order.
    /// </summary>
    private static async Task<IReadOnlyList<StoredLattice>> ReadSplitAsync(
        List<long> ids, Func<IReadOnlyList<long>, CancellationToken, Task<IReadOnlyList<StoredLattice>>> read, int threads, CancellationToken cancellationToken)
    {
        if (threads <= 1 || ids.Count < ParallelLines)
        {
            return await read(ids, cancellationToken).ConfigureAwait(false);
        }

        var runs = ids.Chunk((ids.Count + threads - 1) / threads).Select(run => Task.Run(() => read(run, cancellationToken), cancellationToken));
        return (await Task.WhenAll(runs).ConfigureAwait(false)).SelectMany(r => r).ToList();
    }

    /// <summary>The images scoring at least <paramref name="minScore"/>, unordered; large sets are split across threads.</summary>
    private List<(long ImageId, double Score)> Rank(CompiledQuery compiled, Dictionary<long, List<CandidateLine>> byImage, double minScore, SearchOptions options, CancellationToken cancellationToken)
    {
        var images = byImage.ToArray();
        var scores = new double[images.Length];
        var threads = Threads(options);
        var lines = images.Sum(i => i.Value.Count);
        if (threads > 1 && lines >= ParallelLines)
        {
            // Chunks of images rather than single images: per-image work is a few microseconds.
            var chunk = Math.Max(16, images.Length / (threads * 8));
            var parallel = new ParallelOptions { MaxDegreeOfParallelism = threads, CancellationToken = cancellationToken };
            Parallel.ForEach(Partitioner.Create(0, images.Length, chunk), parallel, range =>
            {
                for (var i = range.Item1; i < range.Item2; i++)
                {
                    scores[i] = scorer.Rank(compiled, images[i].Value, cancellationToken);
                }
            });
        }
        else
        {
            for (var i = 0; i < images.Length; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                scores[i] = scorer.Rank(compiled, images[i].Value, cancellationToken);
            }
        }

        var scored = new List<(long ImageId, double Score)>(images.Length);
        for (var i = 0; i < images.Length; i++)
        {
            if (scores[i] >= minScore)
            {
                scored.Add((images[i].Key, scores[i]));
            }
        }

        return scored;
    }

    /// <summary>
    /// The terms whose candidate lines are looked up: the query's most telling words. Function
    /// words, and words of 1 or 2 letters or digits ("h", "88"), are looked up only when the query
    /// has nothing better. Such a word says little about which lines to read: in a large index its
    /// gram is in a good share of all lines, so its lookup returns the lowest ids up to the bound (a
    /// sample, not a selection), and in a query of several words each of those lines costs a
    /// whole-image read and phrase scoring. Two Chinese characters are a telling word, so the rule
    /// is for scripts written with spaces. Words left out still count: a query of several words is
    /// scored on whole images, every line of every candidate image; only images that hold nothing
    /// but left-out words are no longer candidates.
    /// </summary>
    internal static IReadOnlyList<QueryTerm> LookupTerms(ParsedQuery parsed)
    {
        ArgumentNullException.ThrowIfNull(parsed);
        var content = parsed.Terms.Where(t => !t.IsFunctionWord).ToList();
        var pool = content.Count > 0 ? content : parsed.Terms;
        var telling = pool.Where(t => !IsShortWord(t)).ToList();
        return telling.Count > 0 ? telling : pool;
    }

    private static bool IsShortWord(QueryTerm term) => term.RequiresWordBoundary && term.Symbols.Length <= 2;

    /// <summary>
    /// The fused ranking: the text channel's scores (every candidate image scoring above zero) and the
    /// CLIP scan combined by <see cref="ScoreFusion"/>; the page's images with a text score are explained
    /// like a text-only page, images only CLIP found carry no text matches.
    /// </summary>
    private async Task<SearchResponse> FusedAsync(
        ParsedQuery parsed,
        CompiledQuery compiled,
        List<(long ImageId, double Score)> scored,
        Dictionary<long, List<CandidateLine>> byImage,
        bool wholeImages,
        int candidateLines,
        ClipVectorIndex vectors,
        SearchOptions options,
        Stopwatch clock,
        CancellationToken cancellationToken)
    {
        var scan = vectors.Scan(clip!.Embed(parsed, cancellationToken));
        var fused = ScoreFusion.Fuse(scored, scan, options.Fusion, options.MinScore, options.Offset + options.Top);
        var page = fused.Skip(options.Offset).Take(options.Top).ToList();
        var textPage = page.Where(f => f.Channels.Text is > 0).Select(f => (f.ImageId, f.Channels.Text!.Value)).ToList();
        var explained = options.Exhaustive ? byImage : await PageLinesAsync(textPage, byImage, wholeImages, cancellationToken).ConfigureAwait(false);
        var hits = new List<SearchHit>(page.Count);
        foreach (var result in page)
        {
            var image = await store.GetImageAsync(result.ImageId, cancellationToken).ConfigureAwait(false);
            if (image is not null)
            {
                var matches = explained.TryGetValue(result.ImageId, out var lines)
                    ? scorer.Score(compiled, lines, cancellationToken).Spans.OrderByDescending(m => m.Score).ToList()
                    : [];
                hits.Add(new SearchHit(image, result.Score, matches, result.Channels));
            }
        }

        return new SearchResponse(parsed, hits, fused.Count, candidateLines, clock.Elapsed, options.Fusion.Method);
    }

    private async Task<List<long>> CandidateLineIdsAsync(ParsedQuery parsed, SearchOptions options, CancellationToken cancellationToken)
    {
        var ids = new HashSet<long>();
        foreach (var term in LookupTerms(parsed))
        {
            foreach (var candidate in await store.CandidateLinesAsync(term.Text, options.CandidatesPerTerm, cancellationToken).ConfigureAwait(false))
            {
                ids.Add(candidate.LineId);
            }
        }

        return ids.Order().ToList();
    }

    /// <summary>
    /// The lines of the page's images with their words, the same lines in the same order as they
    /// were ranked on: the image's candidate lines, or all its lines for phrases.
    /// </summary>
    private async Task<Dictionary<long, List<CandidateLine>>> PageLinesAsync(
        List<(long ImageId, double Score)> page, Dictionary<long, List<CandidateLine>> ranked, bool wholeImages, CancellationToken cancellationToken)
    {
        if (wholeImages)
        {
            var lines = new Dictionary<long, List<CandidateLine>>();
            foreach (var (imageId, _) in page)
            {
                lines[imageId] = (await store.GetImageLinesAsync(imageId, cancellationToken).ConfigureAwait(false)).Select(ToCandidate).ToList();
            }

            return lines;
        }

        var ids = page.SelectMany(p => ranked.GetValueOrDefault(p.ImageId) ?? []).Select(l => l.LineId).Order().ToList();
        return Group(await store.GetLinesAsync(ids, cancellationToken).ConfigureAwait(false));
    }

    private async Task<Dictionary<long, List<CandidateLine>>> AllLinesAsync(CancellationToken cancellationToken)
    {
        var lines = new List<StoredLine>();
        await foreach (var line in store.StreamLinesAsync(cancellationToken).ConfigureAwait(false))
        {
            lines.Add(line);
        }

        return Group(lines);
    }

    private static Dictionary<long, List<CandidateLine>> Group(IEnumerable<StoredLine> lines) =>
        Group(lines, static l => l.ImageId, ToCandidate);

    private static Dictionary<long, List<CandidateLine>> Group(IEnumerable<StoredLattice> lattices) =>
        Group(lattices, static l => l.ImageId, static l => new CandidateLine(l.LineId, l.Quad, l.Text, l.Lattice, l.Ordinal));

    private static Dictionary<long, List<CandidateLine>> Group<T>(IEnumerable<T> lines, Func<T, long> imageOf, Func<T, CandidateLine> candidate)
    {
        var byImage = new Dictionary<long, List<CandidateLine>>();
        foreach (var line in lines)
        {
            var imageId = imageOf(line);
            if (!byImage.TryGetValue(imageId, out var list))
            {
                byImage[imageId] = list = [];
            }

            list.Add(candidate(line));
        }

        return byImage;
    }

    private static CandidateLine ToCandidate(StoredLine line) =>
        new(line.Id, line.Quad, line.Text, line.Lattice, line.Ordinal, line.Words.Select(w => new CandidateWord(w.Quad, w.Text)).ToList());
}
