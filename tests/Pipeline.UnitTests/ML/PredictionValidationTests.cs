using Pipeline.ML;
using Pipeline.ML.Serving;

namespace Pipeline.UnitTests.ML;

public class PredictionValidationTests
{
    private static readonly ServingSettings S = new();

    private static IssuePredictionRequest Ok() => new() { Title = "Crash", Body = "It fails", Repo = "octo/app" };

    [Fact]
    public void Valid_request_has_no_errors() => Assert.Empty(IssuePredictionValidator.Validate(Ok(), S));

    [Fact]
    public void Each_invalid_field_is_named()
    {
        var r = new IssuePredictionRequest
        {
            Title = new string('x', 1001),
            Body = new string('y', 65537),
            Repo = "bad repo",
            Number = -1,
            AuthorAssociation = "KING",
            Labels = [""],
            Models = ["nope"],
        };
        var errors = IssuePredictionValidator.Validate(r, S);
        Assert.Equal(["author_association", "body", "labels", "models", "number", "repo", "title"], errors.Keys.Order());
        Assert.Contains("at most 1000 characters", errors["title"][0]);
        Assert.Contains("65536 bytes", errors["body"][0]);
        Assert.Contains("unknown model 'nope'", errors["models"][0]);
    }

    [Fact]
    public void Missing_title_and_repo()
    {
        var errors = IssuePredictionValidator.Validate(new IssuePredictionRequest(), S);
        Assert.Equal("title is required", errors["title"][0]);
        Assert.StartsWith("repo is required", errors["repo"][0]);
    }

    [Fact]
    public void Body_limit_counts_utf8_bytes()
    {
        var r = Ok();
        r.Body = new string('é', 40000); // 80,000 bytes
        Assert.Contains("body", IssuePredictionValidator.Validate(r, S).Keys);
    }

    [Fact]
    public void Batch_limits_and_item_paths()
    {
        Assert.Contains("items", IssuePredictionValidator.ValidateBatch(new IssueBatchPredictionRequest(), S).Keys);
        var tooMany = new IssueBatchPredictionRequest { Items = Enumerable.Range(0, 1001).Select(_ => Ok()).ToList() };
        Assert.Contains("at most 1000 items", IssuePredictionValidator.ValidateBatch(tooMany, S)["items"][0]);
        var mixed = new IssueBatchPredictionRequest { Items = [Ok(), new IssuePredictionRequest { Repo = "a/b" }] };
        Assert.Equal(["items[1].title"], IssuePredictionValidator.ValidateBatch(mixed, S).Keys);
    }

    /// <summary>The allocation-free repo check accepts exactly what <c>Split('/')</c> into two non-empty parts without
    /// white space accepted.</summary>
    [Theory]
    [InlineData("octo/app")]
    [InlineData("a/b")]
    [InlineData("/app")]
    [InlineData("octo/")]
    [InlineData("/")]
    [InlineData("octo")]
    [InlineData("a/b/c")]
    [InlineData("a//b")]
    [InlineData("oc to/app")]
    [InlineData("octo/app\t")]
    [InlineData("octo/app\u00a0")]
    [InlineData("ü/中文")]
    public void Repo_check_matches_the_split_form(string repo)
    {
        var reference = repo.Split('/') is { Length: 2 } p && p[0].Length > 0 && p[1].Length > 0 && !repo.Any(char.IsWhiteSpace);
        Assert.Equal(reference, IssuePredictionValidator.IsOwnerSlashName(repo));
    }

    /// <summary>The short-cut body-size check gives the full UTF-8 count's answer on both sides of every bound.</summary>
    [Fact]
    public void Body_size_check_matches_the_utf8_count()
    {
        string[] units = ["a", "é", "中", "🚀", "\ud800", "\udc00"];
        var random = new Random(5);
        foreach (var max in new long[] { 0, 1, 2, 3, 10, 64, 65536 })
        {
            for (var n = 0; n < 400; n++)
            {
                var length = random.Next(0, (int)Math.Min(max * 2 + 8, 70_000));
                var sb = new System.Text.StringBuilder();
                while (sb.Length < length) sb.Append(units[random.Next(units.Length)]);
                var text = sb.ToString();
                Assert.Equal(System.Text.Encoding.UTF8.GetByteCount(text) > max, IssuePredictionValidator.Utf8ByteCountExceeds(text, max));
            }
        }
        Assert.Empty(IssuePredictionValidator.Validate(new IssuePredictionRequest { Title = "t", Body = new string('中', S.MaxBodyBytes / 3), Repo = "o/r" }, S));
        Assert.Equal(["body"], IssuePredictionValidator.Validate(new IssuePredictionRequest { Title = "t", Body = new string('中', S.MaxBodyBytes / 3 + 1), Repo = "o/r" }, S).Keys);
    }
}
