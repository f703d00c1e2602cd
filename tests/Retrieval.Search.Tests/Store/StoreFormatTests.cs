using Retrieval.Models.Text;
using Retrieval.Search.Store;

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
        Values<EmbeddingPrecision>().Should().Equal(("Float32", 0), ("Float16", 1));
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
    public void A_quad_is_stored_as_eight_little_endian_floats()
    {
        var bytes = StoreCodecs.EncodeQuad(StoreTestData.Box(1, 2, 3, 4));

        Convert.ToHexString(bytes).Should().Be("0000803F" + "00000040" + "00008040" + "00000040" + "00008040" + "0000C040" + "0000803F" + "0000C040");
        StoreCodecs.DecodeQuad(bytes).Should().Be(StoreTestData.Box(1, 2, 3, 4));
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

    private const string FrozenDdlHash = "0618bd778827cb872817a030248bb21eb31eec3e3115dafbc9d12025c8dc3666";

    private static (string, int)[] Values<T>()
        where T : struct, Enum => Enum.GetValues<T>().Select(v => (v.ToString(), Convert.ToInt32(v, System.Globalization.CultureInfo.InvariantCulture))).ToArray();
}
