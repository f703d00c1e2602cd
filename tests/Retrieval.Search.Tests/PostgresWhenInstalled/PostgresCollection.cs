using Retrieval.TestSupport.Postgres;

namespace Retrieval.Search.Tests.PostgresWhenInstalled;

/// <summary>
/// Every test that needs PostgreSQL shares one throwaway cluster (started once, stopped at the end)
/// and runs in this collection, one at a time. Without the PostgreSQL binaries the tests return early,
/// printing the reason: hence the namespace name.
/// </summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresCluster>
{
    public const string Name = "PostgreSQL cluster";
}
