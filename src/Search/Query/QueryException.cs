namespace Retrieval.Search.Query;

/// <summary>Why a query was refused. Callers map every kind to "bad request".</summary>
public enum QueryErrorKind
{
    Empty = 1,
    TooLong = 2,
    NothingSearchable = 3,
    TooManyTerms = 4,
    TermTooLong = 5,
}

/// <summary>A query that cannot be searched; the message tells the person what to change.</summary>
public sealed class QueryException : Exception
{
    public QueryException(QueryErrorKind kind, string message)
        : base(message)
    {
        Kind = kind;
    }

    public QueryErrorKind Kind { get; }
}
