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
public sealed record SearchResponse(ParsedQuery Query, IReadOnlyList<SearchHit> Hits, int TotalMatches, int CandidateLines, TimeSpan Elapsed, FusionMethod Fusion = FusionMethod.Off);

/// <summary>
/// The single place where ranking happens: the CLI, the HTTP API and the evaluator all call it, so
/// they can never disagree. A query is parsed and folded like the index, each word fetches
/// candidate lines by n-grams from the store, the lines of every candidate image are scored by CTC
/// keyword spotting on their lattices, and images are ranked by calibrated score (ties by id).
/// With a <see cref="ClipChannel"/> (a registered CLIP model and its embeddings) and fusion on, the query is also
/// embedded and scanned against every image and text-region embedding, and the two channels are fused
/// (<see cref="ScoreFusion"/>); without one, or with fusion off, the ranking is the text channel's alone, exactly
/// as it was before CLIP existed. The caller owns the channel. Thread-safe.
/// </summary>
public sealed class Searcher(IIndexStore store, QueryParser parser, ImageScorer scorer, ClipChannel? clip = null)
{
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

        var byImage = options.Exhaustive
            ? await AllLinesAsync(cancellationToken).ConfigureAwait(false)
            : await CandidateImagesAsync(parsed, options, cancellationToken).ConfigureAwait(false);
        var candidateLines = byImage.Values.Sum(l => l.Count);

        // Phrases and several words are judged on whole images (neighbouring lines count), single words on their candidate lines.
        var wholeImages = !options.Exhaustive && (parsed.Clauses.Count > 1 || parsed.Clauses.Any(c => c.IsPhrase));
        var scored = new List<(long ImageId, ImageMatch Match)>(byImage.Count);
        var fused = clip is not null && options.Fusion.Method != FusionMethod.Off;
        foreach (var (imageId, lines) in byImage)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var candidates = wholeImages ? await ImageLinesAsync(imageId, cancellationToken).ConfigureAwait(false) : lines;
            var match = scorer.Score(compiled, candidates, cancellationToken);
            if (fused ? match.Score > 0 : match.Score >= options.MinScore)
            {
                scored.Add((imageId, match));
            }
        }

        if (fused)
        {
            return await FusedAsync(parsed, scored, candidateLines, options, clock, cancellationToken).ConfigureAwait(false);
        }

        scored.Sort((a, b) => b.Match.Score != a.Match.Score ? b.Match.Score.CompareTo(a.Match.Score) : a.ImageId.CompareTo(b.ImageId));
        var hits = new List<SearchHit>();
        foreach (var (imageId, match) in scored.Skip(options.Offset).Take(options.Top))
        {
            var image = await store.GetImageAsync(imageId, cancellationToken).ConfigureAwait(false);
            if (image is not null)
            {
                hits.Add(new SearchHit(image, match.Score, match.Spans.OrderByDescending(s => s.Score).ToList()));
            }
        }

        return new SearchResponse(parsed, hits, scored.Count, candidateLines, clock.Elapsed);
    }

    private async Task<SearchResponse> FusedAsync(
        ParsedQuery parsed, List<(long ImageId, ImageMatch Match)> scored, int candidateLines, SearchOptions options, Stopwatch clock, CancellationToken cancellationToken)
    {
        var scan = clip!.Scan(parsed, cancellationToken);
        var fused = ScoreFusion.Fuse(scored, scan, options.Fusion, options.MinScore, options.Offset + options.Top);
        var hits = new List<SearchHit>();
        foreach (var result in fused.Skip(options.Offset).Take(options.Top))
        {
            var image = await store.GetImageAsync(result.ImageId, cancellationToken).ConfigureAwait(false);
            if (image is not null)
            {
                var matches = result.Text is { } text ? text.Spans.OrderByDescending(s => s.Score).ToList() : [];
                hits.Add(new SearchHit(image, result.Score, matches, result.Channels));
            }
        }

        return new SearchResponse(parsed, hits, fused.Count, candidateLines, clock.Elapsed, options.Fusion.Method);
    }

    private async Task<Dictionary<long, List<CandidateLine>>> CandidateImagesAsync(ParsedQuery parsed, SearchOptions options, CancellationToken cancellationToken)
    {
        var terms = parsed.Clauses.SelectMany(c => c.Terms).ToList();
        var content = terms.Where(t => !t.IsFunctionWord).ToList();
        var ids = new HashSet<long>();
        foreach (var term in content.Count > 0 ? content : terms)
        {
            foreach (var candidate in await store.CandidateLinesAsync(term.Text, options.CandidatesPerTerm, cancellationToken).ConfigureAwait(false))
            {
                ids.Add(candidate.LineId);
            }
        }

        var lines = await store.GetLinesAsync(ids.Order().ToList(), cancellationToken).ConfigureAwait(false);
        return Group(lines);
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

    private async Task<IReadOnlyList<CandidateLine>> ImageLinesAsync(long imageId, CancellationToken cancellationToken) =>
        (await store.GetImageLinesAsync(imageId, cancellationToken).ConfigureAwait(false)).Select(ToCandidate).ToList();

    private static Dictionary<long, List<CandidateLine>> Group(IEnumerable<StoredLine> lines)
    {
        var byImage = new Dictionary<long, List<CandidateLine>>();
        foreach (var line in lines)
        {
            if (!byImage.TryGetValue(line.ImageId, out var list))
            {
                byImage[line.ImageId] = list = [];
            }

            list.Add(ToCandidate(line));
        }

        return byImage;
    }

    private static CandidateLine ToCandidate(StoredLine line) =>
        new(line.Id, line.Quad, line.Text, line.Lattice, line.Ordinal, line.Words.Select(w => new CandidateWord(w.Quad, w.Text)).ToList());
}
