using System.Text.Json.Nodes;
using Pipeline.ML.Data;

namespace Pipeline.UnitTests.ML;

public class IssueSchemaTests
{
    private static JsonObject Valid() => new()
    {
        ["_id"] = "octo/app#12",
        ["repo"] = "octo/app",
        ["number"] = 12L,
        ["title"] = "Crash when saving, mail me at a@b.io",
        ["body"] = "<b>Broken</b> since `v2`",
        ["labels"] = new JsonArray("bug", new JsonObject { ["name"] = "priority: high" }),
        ["state"] = "closed",
        ["author"] = "alice",
        ["author_association"] = "member",
        ["created_at"] = "2025-03-01T10:00:00.000Z",
        ["closed_at"] = "2025-03-03T22:00:00.000Z",
    };

    [Fact]
    public void Parses_a_valid_document_and_cleans_its_text()
    {
        var issue = IssueDocumentSchema.Parse(Valid(), language: "Go");
        Assert.Equal("octo/app", issue.Repo);
        Assert.Equal(12, issue.Number);
        Assert.Equal(["bug", "priority: high"], issue.Labels);
        Assert.Equal("MEMBER", issue.AuthorAssociation);
        Assert.Equal(2.5, issue.DaysToClose!.Value, 6);
        Assert.Equal("Go", issue.Language);
        Assert.DoesNotContain("a@b.io", issue.Title);
        Assert.Equal("Broken since", issue.Body);
    }

    [Fact]
    public void Names_every_invalid_field()
    {
        var doc = Valid();
        doc.Remove("title");
        doc["number"] = "twelve";
        doc["state"] = "merged";
        doc["created_at"] = "yesterday";
        doc["labels"] = "bug";
        doc["repo"] = "no-slash";
        var ex = Assert.Throws<IssueSchemaException>(() => IssueDocumentSchema.Parse(doc));
        Assert.Equal("octo/app#12", ex.DocumentId);
        Assert.Contains("title is required", ex.Errors);
        Assert.Contains("number is required and must be a positive integer", ex.Errors);
        Assert.Contains("state must be 'open' or 'closed'", ex.Errors);
        Assert.Contains("created_at must be an ISO-8601 timestamp", ex.Errors);
        Assert.Contains("labels must be an array", ex.Errors);
        Assert.Contains("repo must be 'owner/name'", ex.Errors);
        Assert.Contains("title is required", ex.Message);
    }

    [Fact]
    public void Closed_issue_needs_closed_at_after_created_at()
    {
        var doc = Valid();
        doc.Remove("closed_at");
        Assert.Contains("closed_at is required when state is 'closed'", IssueDocumentSchema.Validate(doc));
        doc["closed_at"] = "2025-02-01T00:00:00.000Z";
        Assert.Contains("closed_at is before created_at", IssueDocumentSchema.Validate(doc));
    }

    [Fact]
    public void Open_issue_has_no_outcome()
    {
        var doc = Valid();
        doc["state"] = "open";
        doc["closed_at"] = null;
        var issue = IssueDocumentSchema.Parse(doc);
        Assert.False(issue.IsClosed);
        Assert.Null(issue.DaysToClose);
    }

    [Theory]
    [InlineData("Type: Bug", "bug")]
    [InlineData("feature request", "enhancement")]
    [InlineData("docs", "documentation")]
    [InlineData("perf", "performance")]
    [InlineData("support", "question")]
    [InlineData("good first issue", null)]
    public void Maps_raw_labels_to_classes(string raw, string? expected) => Assert.Equal(expected, LabelTaxonomy.Canonical(raw));
}
