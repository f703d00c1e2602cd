using Retrieval.Search.Tests.Store.Conformance;
using Retrieval.TestSupport.Postgres;
using Xunit.Abstractions;

namespace Retrieval.Search.Tests.PostgresWhenInstalled;

// The conformance suites on the PostgreSQL store: the same tests the SQLite store passes
// (Store/SqliteConformanceTests.cs), each in a database of its own.

[Collection(PostgresCollection.Name)]
public sealed class PostgresStoreRecordTests(PostgresCluster cluster, ITestOutputHelper output) : StoreRecordConformance(output)
{
    protected override IStoreTarget CreateTarget() => new PostgresStoreTarget(cluster);
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresCandidateTests(PostgresCluster cluster, ITestOutputHelper output) : CandidateConformance(output)
{
    protected override IStoreTarget CreateTarget() => new PostgresStoreTarget(cluster);
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresLifecycleTests(PostgresCluster cluster, ITestOutputHelper output) : LifecycleConformance(output)
{
    protected override IStoreTarget CreateTarget() => new PostgresStoreTarget(cluster);
}
