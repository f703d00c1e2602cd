using Retrieval.Search.Evaluation.Mat;

namespace Retrieval.Search.Tests.Evaluation;

public sealed class MatFileTests
{
    [Theory]
    [InlineData("iiit_str_data.mat")]
    [InlineData("iiit_str_data_compressed.mat")]
    public void A_scipy_written_file_reads_back_every_variable(string fixture)
    {
        var file = MatFile.Read(EvaluationTestData.Fixture(fixture));

        file.Description.Should().StartWith("MATLAB 5.0 MAT-file");
        file.Variables.Keys.Should().Equal("data", "version", "weights", "flags", "names", "empty");
        var data = file["data"].Should().BeOfType<MatStructArray>().Subject;
        data.Dimensions.Should().Equal(1, 3);
        data.FieldNames.Should().Equal("query", "imgs", "count");
        var query = data[1, "query"].Should().BeOfType<MatCellArray>().Subject;
        query.Dimensions.Should().Equal(1, 1);
        query.Cells[0].Should().BeOfType<MatCharArray>().Which.Text.Should().Be("Café");
        var images = data[2, 1].Should().BeOfType<MatCellArray>().Subject;
        images.Dimensions.Should().Equal(3, 1);
        images.Cells.Cast<MatCharArray>().Select(c => c.Text).Should().Equal("img_000002.jpg", "img_000004.jpg", "img_000005.jpg");
        data[2, "count"].Should().BeOfType<MatNumericArray>().Which.Values.Should().Equal(3.0);
        file["version"].Should().BeOfType<MatNumericArray>().Which.Should().Match<MatNumericArray>(v => v.Class == MatClass.Int32 && v.Values[0] == 7);
        file["weights"].Should().BeOfType<MatNumericArray>().Which.Values.Should().Equal(0.5, -1.25, 3.0);
        file["flags"].Should().BeOfType<MatNumericArray>().Which.Should().Match<MatNumericArray>(f => f.IsLogical && f.Values.SequenceEqual(new[] { 1.0, 0, 1 }));
        file["names"].Should().BeOfType<MatCharArray>().Which.Rows.Should().Equal("abc", "def");
        file["empty"].Count.Should().Be(0);
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public void A_matlab_style_file_with_utf16_chars_and_small_elements_reads_in_either_byte_order(bool bigEndian, bool compress)
    {
        var bytes = MatTestWriter.Write(
            [
                ("data", new MatTestStruct(["q", "files"], [
                    [new MatTestCell(1, 1, [new MatTestChar("Thé")]), new MatTestCell(2, 1, [new MatTestChar("a.jpg"), new MatTestChar("b.jpg")])],
                    [new MatTestCell(1, 1, [new MatTestChar("ok")]), new MatTestCell(0, 0, [])],
                ])),
                ("x", new MatTestDouble(2, 2, [1, 2, 3, 4])),
            ],
            bigEndian,
            compress);

        var file = MatFile.Read(bytes, "test.mat");

        var data = (MatStructArray)file["data"];
        ((MatCharArray)((MatCellArray)data[0, "q"]).Cells[0]).Text.Should().Be("Thé");
        ((MatCharArray)((MatCellArray)data[1, 0]).Cells[0]).Text.Should().Be("ok");
        ((MatCellArray)data[0, "files"]).Cells.Cast<MatCharArray>().Select(c => c.Text).Should().Equal("a.jpg", "b.jpg");
        ((MatCellArray)data[1, "files"]).Count.Should().Be(0);
        ((MatNumericArray)file["x"]).Values.Should().Equal(1, 2, 3, 4);
        file["x"].Dimensions.Should().Equal(2, 2);
    }

    [Fact]
    public void A_mat_v73_file_is_refused_with_the_fix()
    {
        var bytes = MatTestWriter.Write([("x", new MatTestDouble(1, 1, [1]))], version: 0x0200);

        var act = () => MatFile.Read(bytes, "v73.mat");

        act.Should().Throw<MatFormatException>().WithMessage("v73.mat: MAT v7.3 (HDF5) is not supported*-v7*");
    }

    [Fact]
    public void A_file_that_is_not_a_mat_file_is_refused()
    {
        var act = () => MatFile.Read("just some text, not a MAT file at all"u8.ToArray(), "notes.mat");

        act.Should().Throw<MatFormatException>().WithMessage("notes.mat: not a MAT v5 file*");
    }

    [Fact]
    public void A_truncated_file_is_reported_as_truncated()
    {
        var bytes = File.ReadAllBytes(EvaluationTestData.Fixture("iiit_str_data.mat"));

        var act = () => MatFile.Read(bytes[..600], "cut.mat");

        act.Should().Throw<MatFormatException>().WithMessage("cut.mat:*truncated*");
    }

    [Fact]
    public void A_corrupt_compressed_variable_is_reported()
    {
        var bytes = File.ReadAllBytes(EvaluationTestData.Fixture("iiit_str_data_compressed.mat"));
        bytes.AsSpan(140, 40).Fill(0x55);

        var act = () => MatFile.Read(bytes, "bad.mat");

        act.Should().Throw<MatFormatException>().WithMessage("bad.mat*");
    }

    [Fact]
    public void A_sparse_array_is_refused_by_name()
    {
        var bytes = MatTestWriter.Write([("s", new MatTestDouble(1, 1, [1]))]);
        bytes[128 + 8 + 8] = 5; // the class byte of the array flags: mxSPARSE_CLASS

        var act = () => MatFile.Read(bytes, "sparse.mat");

        act.Should().Throw<MatFormatException>().WithMessage("*'s' is a sparse array*");
    }
}
