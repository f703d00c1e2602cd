namespace Retrieval.Search.Evaluation;

/// <summary>
/// A query derived from annotations, before image names are resolved to files: the adapters turn
/// <paramref name="ImageNames"/> (<see cref="AnnotatedImage.ImageName"/> values) into gallery paths.
/// </summary>
public sealed record DerivedQuery(string Text, BenchmarkQueryKind Kind, IReadOnlySet<string> ImageNames);
