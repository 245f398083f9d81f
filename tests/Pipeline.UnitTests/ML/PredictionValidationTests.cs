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
}
