using Retrieval.Search.Tests.Store.Conformance;
using Xunit.Abstractions;

namespace Retrieval.Search.Tests.Store;

// The conformance suites on the SQLite store. The same suites run on PostgreSQL in
// PostgresWhenInstalled/PostgresConformanceTests.cs; SQLite-only behaviour (files, WAL, permissions,
// crashes of the writing process) is tested in SqliteIndexLifecycleTests and SqliteIndexDurabilityTests.

public sealed class SqliteStoreRecordTests(ITestOutputHelper output) : StoreRecordConformance(output)
{
    protected override IStoreTarget CreateTarget() => new SqliteStoreTarget();
}

public sealed class SqliteCandidateTests(ITestOutputHelper output) : CandidateConformance(output)
{
    protected override IStoreTarget CreateTarget() => new SqliteStoreTarget();
}

public sealed class SqliteLifecycleTests(ITestOutputHelper output) : LifecycleConformance(output)
{
    protected override IStoreTarget CreateTarget() => new SqliteStoreTarget();
}
