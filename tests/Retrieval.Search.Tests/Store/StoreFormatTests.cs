using Retrieval.Models.Text;
using Retrieval.Search.Jobs;
using Retrieval.Search.Store;
using Retrieval.Search.Store.Postgres;

namespace Retrieval.Search.Tests.Store;

/// <summary>What indexes on disk depend on. A failure here means a change breaks existing indexes: bump the schema version deliberately.</summary>
public sealed class StoreFormatTests
{
    [Fact]
    public void Persisted_enums_keep_their_values()
    {
        Values<ImageSourceKind>().Should().Equal(("File", 0), ("VideoFrame", 1));
        Values<ImageStatus>().Should().Equal(("Ok", 0), ("Failed", 1), ("Incomplete", 2));
        Values<EmbeddingOwnerKind>().Should().Equal(("Image", 0), ("Line", 1), ("Region", 2));
        Values<EmbeddingPrecision>().Should().Equal(("Float32", 0), ("Float16", 1), ("Int8", 2));
        Values<TextFolding>().Should().Contain([("Case", 1), ("Accents", 2), ("Width", 4)]);
    }

    [Fact]
    public void The_schema_is_version_1_with_a_frozen_definition()
    {
        SqliteSchema.Version.Should().Be(1);
        LatticeCodec.Version.Should().Be(1);
        FileContentHash.Sha256(System.Text.Encoding.UTF8.GetBytes(SqliteSchema.Ddl.ReplaceLineEndings("\n")))
            .Should().Be(FrozenDdlHash, "the DDL of schema version {0} is frozen; a change needs a new version", SqliteSchema.Version);
    }

    [Fact]
    public void The_postgres_schema_is_version_2_with_frozen_migrations_and_job_states()
    {
        PostgresSchema.Version.Should().Be(2);
        PostgresSchema.Migrations.Select(m => m.Version).Should().Equal(1, 2);
        PostgresSchema.Migrations.Select(m => FileContentHash.Sha256(System.Text.Encoding.UTF8.GetBytes(m.Sql.ReplaceLineEndings("\n"))))
            .Should().Equal(FrozenPostgresMigrationHashes, "a released migration is frozen; a change needs a new migration");
        Values<JobState>().Should().Equal(("Queued", 0), ("Leased", 1), ("Done", 2), ("Failed", 3));
    }

    [Fact]
    public void Postgres_short_gram_keys_are_code_points_and_negative_pair_hashes()
    {
        PostgresCandidateSearch.Key([0x4e2d]).Should().Be(0x4e2d);
        PostgresCandidateSearch.Key(['o', 'f']).Should().Be(-1 - (int)((('o' * 1_114_112L) + 'f') % 2_147_483_629));
        PostgresCandidateSearch.ShortKeys("of\no").Should().Equal(new[] { 'o', 'f', '\n', }.Select(c => (int)c)
            .Concat([PostgresCandidateSearch.Key(['o', 'f']), PostgresCandidateSearch.Key(['f', '\n']), PostgresCandidateSearch.Key(['\n', 'o'])]).Order());
    }

    [Fact]
    public void A_quad_is_stored_as_eight_little_endian_floats()
    {
        var bytes = StoreCodecs.EncodeQuad(StoreTestData.Box(1, 2, 3, 4));

        Convert.ToHexString(bytes).Should().Be("0000803F" + "00000040" + "00008040" + "00000040" + "00008040" + "0000C040" + "0000803F" + "0000C040");
        StoreCodecs.DecodeQuad(bytes).Should().Be(StoreTestData.Box(1, 2, 3, 4));
    }

    [Fact]
    public void A_vector_is_stored_as_little_endian_floats_halves_or_a_scale_and_signed_bytes()
    {
        float[] vector = [0.6f, -1f, 0.25f];

        Convert.ToHexString(StoreCodecs.EncodeVector(vector, EmbeddingPrecision.Float32)).Should().Be("9A99193F" + "000080BF" + "0000803E");
        Convert.ToHexString(StoreCodecs.EncodeVector(vector, EmbeddingPrecision.Float16)).Should().Be("CD38" + "00BC" + "0034");
        // Scale max |v| / 127 = 1/127 (float32 0x3C010204), then round(v / scale): 76 (0x4C), -127 (0x81), 32 (0x20).
        Convert.ToHexString(StoreCodecs.EncodeVector(vector, EmbeddingPrecision.Int8)).Should().Be("0402013C" + "4C" + "81" + "20");
        foreach (var precision in Enum.GetValues<EmbeddingPrecision>())
        {
            StoreCodecs.DecodeVector(StoreCodecs.EncodeVector(vector, precision), 3, precision).Should().Equal(vector, (a, b) => Math.Abs(a - b) <= 0.005f, precision.ToString());
        }
    }

    [Fact]
    public void Short_grams_are_encoded_as_hex_code_point_tokens()
    {
        CandidateGrams.ShortGramDocument(["中国", "of"]).Should().Be("x4e2d x4e2dx56fd x56fd x6f x6fx66 x66");
        CandidateGrams.ForTerm("中").ShortTokens.Should().Equal("x4e2d");
    }

    [Fact]
    public async Task A_file_hash_is_the_sha256_of_its_bytes()
    {
        var file = Path.Combine(Path.GetTempPath(), $"retrieval-hash-{Guid.NewGuid():N}.bin");
        await File.WriteAllBytesAsync(file, "abc"u8.ToArray());
        try
        {
            (await FileContentHash.Sha256Async(file)).Should().Be("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static readonly string[] FrozenPostgresMigrationHashes = ["d8dca75e72e6d1f1701bec20d6a16e6d4aa5126b9c94f0782ea6ec0f8034f019", "f22febe4eb2629ef5f51b0f68e8b88157819a293565de20d278b5de10cec07a7"];

    private const string FrozenDdlHash = "0618bd778827cb872817a030248bb21eb31eec3e3115dafbc9d12025c8dc3666";

    private static (string, int)[] Values<T>()
        where T : struct, Enum => Enum.GetValues<T>().Select(v => (v.ToString(), Convert.ToInt32(v, System.Globalization.CultureInfo.InvariantCulture))).ToArray();
}
