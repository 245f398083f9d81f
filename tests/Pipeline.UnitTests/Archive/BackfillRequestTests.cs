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
    [InlineData("2000-01-01T00", "2024-03-01T00", null, "at most 175680")]
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

    [Fact]
    public void A_year_is_accepted_and_carried_as_a_range_not_a_list()
    {
        var request = new BackfillRequest(From: "2023-01-01T00", To: "2023-12-31T23");
        var (sources, errors) = request.Resolve(Options);
        Assert.Empty(errors);
        Assert.Equal(8760, sources.Count);
        var range = request.Range(Options)!.Value;
        Assert.Equal((new DateTime(2023, 1, 1, 0, 0, 0, DateTimeKind.Utc), 8760, "https://data.gharchive.org/"), range);
    }

    [Fact]
    public void Filters_are_validated_and_named()
    {
        var errors = new BackfillRequest(["/x.json.gz"]) { Repos = ["owner-only"], Orgs = ["a/b"], Types = [" "] }.Resolve(Options).Errors;
        Assert.Contains(errors, e => e.Contains("repos[0] must be owner/name"));
        Assert.Contains(errors, e => e.Contains("orgs[0]"));
        Assert.Contains(errors, e => e.Contains("types[0] is empty"));
    }

    [Fact]
    public void Allow_lists_default_to_gharchive_and_the_data_directory_imports_folder()
    {
        var o = new BackfillOptions();
        Assert.Null(o.Refusal("https://data.gharchive.org/2024-01-01-0.json.gz"));
        Assert.NotNull(o.Refusal("https://DATA.gharchive.org.evil.example/2024-01-01-0.json.gz"));
        Assert.NotNull(o.Refusal("http://127.0.0.1:8080/2024-01-01-0.json.gz"));
        Assert.NotNull(o.Refusal("https://user@data.gharchive.org/x.json.gz"));
        Assert.Contains("none configured", o.Refusal("/etc/passwd"));

        var root = Directory.CreateTempSubdirectory("pipeline-allow-").FullName;
        try
        {
            var configured = new BackfillOptions { AllowedRoots = [root], AllowedHosts = ["127.0.0.1:8080"] };
            Assert.Null(configured.Refusal(Path.Combine(root, "2024-01-01-0.json.gz")));
            Assert.Null(configured.Refusal(Path.Combine(root, "sub", "missing.json.gz")));
            Assert.Null(configured.Refusal("http://127.0.0.1:8080/x.json.gz"));
            Assert.NotNull(configured.Refusal("http://127.0.0.1:8081/x.json.gz"));
            Assert.NotNull(configured.Refusal(Path.Combine(root, "..", "escape.json.gz")));
            Assert.NotNull(configured.Refusal(root + "-sibling/x.json.gz"));
            // A link inside the root that points out of it is refused like any outside path.
            var link = Path.Combine(root, "link.json.gz");
            File.CreateSymbolicLink(link, "/etc/hostname");
            Assert.Equal(configured.Refusal("/etc/hostname"), configured.Refusal(link));
            // Existing and missing paths outside get the same answer.
            Assert.NotNull(configured.Refusal("/etc/hostname"));
            Assert.Equal(configured.Refusal("/etc/hostname"), configured.Refusal("/etc/no-such-file"));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
