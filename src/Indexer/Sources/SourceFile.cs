namespace Retrieval.Indexer.Sources;

/// <summary>A file found under an indexed root, with the facts incremental indexing compares.</summary>
/// <param name="Path">Full path.</param>
/// <param name="Root">The root it was found under (full path), as the store records it.</param>
public sealed record SourceFile(string Path, string Root, long Size, DateTimeOffset Modified);

/// <summary>Something under a root that could not be walked (unreadable folder, link loop), reported in the run summary.</summary>
public sealed record SourceProblem(string Path, string Reason);
