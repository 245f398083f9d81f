using Pipeline.Ingestion.Archive;

namespace Pipeline.UnitTests.Archive;

public sealed class BackfillRequestTests
{
    private static readonly BackfillOptions Options = new();

    [Fact]
    public void Hour_range_expands_to_gharchive_file_names_inclusive()
    {
        var (sources, errors) = new BackfillRequest(From: "2024-01-01T22", To: "2024-01-02T01", BaseUrl: "http://127.0.0.1:5000/files").Resolve(Options);
        Assert.Empty(errors);
        Assert.Equal(
            ["http://127.0.0.1:5000/files/2024-01-01-22.json.gz", "http://127.0.0.1:5000/files/2024-01-01-23.json.gz",
             "http://127.0.0.1:5000/files/2024-01-02-0.json.gz", "http://127.0.0.1:5000/files/2024-01-02-1.json.gz"],
            sources);
    }

    [Fact]
    public void Default_base_url_is_gharchive()
    {
        var (sources, _) = new BackfillRequest(From: "2015-01-01-15", To: "2015-01-01-15").Resolve(Options);
        Assert.Equal(["https://data.gharchive.org/2015-01-01-15.json.gz"], sources);
    }

    [Theory]
    [InlineData(null, null, null, "'files'")]
    [InlineData("2024-01-02T00", "2024-01-01T00", null, "'to' is before 'from'")]
    [InlineData("yesterday", "2024-01-01T00", null, "'from' must be an hour")]
    [InlineData("2024-01-01T00", "2024-03-01T00", null, "at most 744")]
    [InlineData("2024-01-01T00", "2024-01-01T01", "not a url", "'baseUrl'")]
    public void Invalid_ranges_are_explained(string? from, string? to, string? baseUrl, string expected)
    {
        var (_, errors) = new BackfillRequest(From: from, To: to, BaseUrl: baseUrl).Resolve(Options);
        Assert.Contains(errors, e => e.Contains(expected));
    }

    [Fact]
    public void Files_and_range_together_or_unsupported_schemes_are_refused()
    {
        Assert.Contains("not both", new BackfillRequest(["a.json.gz"], From: "2024-01-01T00", To: "2024-01-01T00").Resolve(Options).Errors[0]);
        Assert.Contains("ftp", new BackfillRequest(["ftp://host/x.json.gz"]).Resolve(Options).Errors[0]);
        Assert.Contains("files[1] is empty", new BackfillRequest(["a", " "]).Resolve(Options).Errors[0]);
        Assert.Equal(["/data/a.json.gz", "https://x/b.json.gz"], new BackfillRequest(["/data/a.json.gz", "https://x/b.json.gz"]).Resolve(Options).Sources);
    }
}
