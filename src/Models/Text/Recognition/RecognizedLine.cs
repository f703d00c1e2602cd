using Retrieval.Models.Geometry;

namespace Retrieval.Models.Text.Recognition;

/// <summary>
/// One text line as the recognizer read it.
/// </summary>
/// <param name="Quad">
/// The line's quad in the orientation it was read: <see cref="Quad.TopLeft"/> to <see cref="Quad.TopRight"/>
/// runs along the reading direction. It is the input quad (grown by <see cref="RecognizerOptions.CropMargin"/>) with its corners relabelled when the crop
/// was turned (a tall crop 90 degrees counter-clockwise, an upside-down one by 180 degrees), so that
/// lattice step t spans the fraction [t/T, (t+1)/T) of this quad's top edge.
/// </param>
/// <param name="Text">The greedy CTC reading as the model spells it (not folded), leading and trailing spaces removed; may be empty.</param>
/// <param name="Confidence">Mean of the characters' confidences (PaddleOCR's line score); 0 for an empty reading.</param>
/// <param name="Lattice">Per-step folded alternatives, for keyword spotting.</param>
/// <param name="Words">The reading split at the spaces the model emitted, in reading order.</param>
public sealed record RecognizedLine(Quad Quad, string Text, float Confidence, ReadingLattice Lattice, IReadOnlyList<RecognizedWord> Words);

/// <summary>One word of a <see cref="RecognizedLine"/>.</summary>
/// <param name="Quad">A slice of the line's quad covering the word, with about half a character of margin on each side, never past the neighbouring spaces.</param>
/// <param name="Text">The word as read (not folded).</param>
/// <param name="Confidence">Mean of its characters' confidences.</param>
public sealed record RecognizedWord(Quad Quad, string Text, float Confidence);
