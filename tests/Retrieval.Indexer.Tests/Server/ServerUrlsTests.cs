using Retrieval.Indexer.Server;

namespace Retrieval.Indexer.Tests.Server;

public sealed class ServerUrlsTests
{
    [Theory]
    [InlineData("http://127.0.0.1:5000", true)]
    [InlineData("http://127.0.0.1:0", true)]
    [InlineData("http://127.8.9.10:80", true)]
    [InlineData("http://localhost:5000", true)]
    [InlineData("https://LOCALHOST:5001", true)]
    [InlineData("http://[::1]:5000", true)]
    [InlineData("http://0.0.0.0:5000", false)]
    [InlineData("http://*:5000", false)]
    [InlineData("http://+:5000", false)]
    [InlineData("http://[::]:5000", false)]
    [InlineData("http://10.0.0.5:5000", false)]
    [InlineData("http://search.example", false)]
    public void Only_numeric_loopback_addresses_and_localhost_count_as_loopback(string url, bool loopback)
    {
        ServerUrls.IsLoopback(url).Should().Be(loopback);
        ServerUrls.IsValid(url).Should().BeTrue();
    }

    [Theory]
    [InlineData("127.0.0.1:5000")]
    [InlineData("ftp://127.0.0.1:21")]
    [InlineData("http://127.0.0.1:70000")]
    [InlineData("http://127.0.0.1:port")]
    [InlineData("")]
    public void Addresses_without_an_http_scheme_or_with_a_bad_port_are_invalid(string url)
    {
        ServerUrls.IsValid(url).Should().BeFalse();
    }
}
