using System.Buffers;
using System.Text;
using Retrieval.Models.Text;

namespace Retrieval.Search.Scoring;

/// <summary>
/// Finds where a pattern lies in a line: a Viterbi pass over the spotting automaton picks the best
/// single labelling of the steps that completes the pattern, then the pattern is matched back onto
/// the characters that labelling reads to find the steps of its first and last character.
/// </summary>
internal static class SpanLocator
{
    private readonly record struct Event(int Label, int First, int Last);

    public static SpotSpan? Locate(SpotPattern pattern, SpotAutomaton automaton, ReadingLattice lattice, SpottingOptions options)
    {
        var steps = lattice.Steps;
        if (steps == 0)
        {
            return null;
        }

        var labels = pattern.LabelCount;
        var states = automaton.StateCount;
        var table = ArrayPool<double>.Shared.Rent(steps * labels);
        var back = ArrayPool<int>.Shared.Rent(steps * states);
        var scores = ArrayPool<double>.Shared.Rent(2 * states);
        var path = ArrayPool<int>.Shared.Rent(steps);
        try
        {
            var emissions = table.AsSpan(0, steps * labels);
            Emissions.Fill(pattern, lattice, options, emissions);
            var (end, source, label) = BestCompletion(automaton, emissions, steps, back, scores);
            if (end < 0)
            {
                return null;
            }

            // The labels of the best path up to the completing step (or the line end).
            var last = Math.Min(end, steps - 1);
            if (end < steps)
            {
                path[end] = label;
            }

            var state = source;
            for (var t = end - 1; t >= 0; t--)
            {
                path[t] = automaton.LastLabel[state];
                state = back[(t * states) + state];
            }

            var events = ToEvents(path.AsSpan(0, last + 1));
            if (!TryMatch(automaton, pattern.BoundaryLabel, events, completed: end < steps, out var firstEvent, out var lastEvent))
            {
                return null;
            }

            var startStep = events[firstEvent].First;
            var endStep = events[lastEvent].Last;

            // A completed substring ends at the first step of its last character; take that
            // character's held steps too.
            if (lastEvent == events.Count - 1 && end < steps)
            {
                while (endStep + 1 < steps && Emissions.ArgMax(emissions.Slice((endStep + 1) * labels, labels)) == events[lastEvent].Label)
                {
                    endStep++;
                }
            }

            var characters = 0;
            for (var i = firstEvent; i <= lastEvent; i++)
            {
                characters += events[i].Label != pattern.BoundaryLabel ? 1 : 0;
            }

            var (from, to) = Widen(lattice, startStep, endStep, characters);
            return new SpotSpan(startStep, endStep, steps, from, to, Read(lattice, startStep, endStep));
        }
        finally
        {
            ArrayPool<double>.Shared.Return(table);
            ArrayPool<int>.Shared.Return(back);
            ArrayPool<double>.Shared.Return(scores);
            ArrayPool<int>.Shared.Return(path);
        }
    }

    /// <summary>
    /// Viterbi with per-step rescaling. A completion is judged by its path probability over the
    /// steps up to it divided by the best unconstrained reading of those steps, so steps outside
    /// the match cost nothing wherever the match lies.
    /// </summary>
    /// <returns>The completing step (steps when a whole word ends the line), the state before it and the completing label; -1 when none.</returns>
    private static (int End, int Source, int Label) BestCompletion(SpotAutomaton automaton, ReadOnlySpan<double> emissions, int steps, int[] back, double[] scores)
    {
        var states = automaton.StateCount;
        var labels = automaton.LabelCount;
        var next = automaton.Next;
        var current = scores.AsSpan(0, states);
        var following = scores.AsSpan(states, states);
        current.Clear();
        current[automaton.Initial] = 1;
        double logScale = 0, logBestReading = 0, best = double.NegativeInfinity;
        (int End, int Source, int Label) result = (-1, -1, -1);
        for (var t = 0; t < steps; t++)
        {
            following.Clear();
            var row = emissions.Slice(t * labels, labels);
            var rowBest = row[Emissions.ArgMax(row)];
            logBestReading += Math.Log(rowBest);
            for (var s = 0; s < states; s++)
            {
                var p = current[s];
                if (p == 0)
                {
                    continue;
                }

                var offset = s * labels;
                for (var x = 0; x < labels; x++)
                {
                    var v = p * row[x];
                    if (v == 0)
                    {
                        continue;
                    }

                    var destination = next[offset + x];
                    if (destination == states)
                    {
                        var candidate = Math.Log(v) + logScale - logBestReading;
                        if (candidate > best)
                        {
                            best = candidate;
                            result = (t, s, x);
                        }
                    }
                    else if (v > following[destination])
                    {
                        following[destination] = v;
                        back[(t * states) + destination] = s;
                    }
                }
            }

            var max = 0.0;
            foreach (var v in following)
            {
                max = Math.Max(max, v);
            }

            if (max == 0)
            {
                return result;
            }

            for (var s = 0; s < states; s++)
            {
                following[s] /= max;
            }

            logScale += Math.Log(max);
            var swap = current;
            current = following;
            following = swap;
        }

        if (automaton.WholeWord)
        {
            for (var s = 0; s < states; s++)
            {
                if (automaton.AcceptAtEnd[s] && current[s] > 0)
                {
                    var candidate = Math.Log(current[s]) + logScale - logBestReading;
                    if (candidate > best)
                    {
                        best = candidate;
                        result = (steps, s, -1);
                    }
                }
            }
        }

        return result;
    }

    /// <summary>Collapses per-step labels into characters: runs of one non-blank label.</summary>
    private static List<Event> ToEvents(ReadOnlySpan<int> path)
    {
        var events = new List<Event>();
        for (var t = 0; t < path.Length; t++)
        {
            if (path[t] == 0)
            {
                continue;
            }

            if (t > 0 && path[t - 1] == path[t])
            {
                events[^1] = events[^1] with { Last = t };
            }
            else
            {
                events.Add(new Event(path[t], t, t));
            }
        }

        return events;
    }

    /// <summary>
    /// Finds the shortest run of trailing characters that the pattern matches exactly, and returns
    /// the first and last character of the term itself (without whole-word boundaries).
    /// </summary>
    private static bool TryMatch(SpotAutomaton automaton, int boundaryLabel, List<Event> events, bool completed, out int first, out int last)
    {
        var slots = automaton.Slots;
        var target = UInt128.One << (completed ? slots.Length : slots.Length - 1);
        var origin = SpotAutomaton.Closure(slots, UInt128.One);
        var afterLineStart = SpotAutomaton.Closure(slots, SpotAutomaton.Move(slots, UInt128.One, boundaryLabel));
        for (var k = events.Count - 1; k >= -1; k--)
        {
            // k = -1 stands for a whole word that starts the line: the line start is its boundary.
            if (k < 0 && !automaton.WholeWord)
            {
                break;
            }

            var set = k < 0 ? afterLineStart : origin;
            for (var j = Math.Max(k, 0); j < events.Count && set != UInt128.Zero; j++)
            {
                set = SpotAutomaton.Closure(slots, SpotAutomaton.Move(slots, set, events[j].Label));
            }

            if ((set & target) != UInt128.Zero)
            {
                first = automaton.WholeWord ? k + 1 : k;
                last = automaton.WholeWord && completed ? events.Count - 2 : events.Count - 1;
                return first <= last;
            }
        }

        first = last = -1;
        return false;
    }

    /// <summary>
    /// CTC peaks sit near a character's middle, so the span is widened by half a character pitch
    /// on each side (the pitch measured inside the span, or over the whole line for one character).
    /// </summary>
    private static (float From, float To) Widen(ReadingLattice lattice, int start, int end, int characters)
    {
        double steps = lattice.Steps;
        double pitch = characters > 1 ? (end - start) / (double)(characters - 1) : steps / Math.Max(1, lattice.BestPath().Length);
        var from = Math.Min(start, start + 0.5 - (pitch / 2));
        var to = Math.Max(end + 1, end + 0.5 + (pitch / 2));
        return ((float)Math.Clamp(from / steps, 0, 1), (float)Math.Clamp(to / steps, 0, 1));
    }

    /// <summary>The greedy reading of steps <paramref name="start"/>..<paramref name="end"/>.</summary>
    private static string Read(ReadingLattice lattice, int start, int end)
    {
        var sb = new StringBuilder();
        var previous = -1;
        for (var t = start; t <= end; t++)
        {
            var best = 0;
            var bestP = lattice.BlankProbability(t);
            var symbols = lattice.SymbolsAt(t);
            var probabilities = lattice.ProbabilitiesAt(t);
            for (var i = 0; i < symbols.Length; i++)
            {
                if (probabilities[i] > bestP)
                {
                    bestP = probabilities[i];
                    best = symbols[i];
                }
            }

            if (best != 0 && best != previous)
            {
                sb.Append(char.ConvertFromUtf32(best));
            }

            previous = best;
        }

        return sb.ToString();
    }
}
