using Pipeline.ML.Data;

namespace Pipeline.UnitTests.ML;

public class TextCleaningTests
{
    [Fact]
    public void Concatenates_title_and_body()
    {
        Assert.Equal("Crash on start It fails when I open it.", IssueTextCleaner.Clean("Crash on start", "It fails when I open it."));
    }

    [Fact]
    public void Strips_html_fenced_and_inline_code_and_urls()
    {
        var body = "<p>The <b>parser</b> fails.</p>\n```csharp\nvar secret = Foo();\n```\nRun `tool --x` and see https://example.com/a?b=c or www.example.org/x.\n[the docs](https://docs.example.com) say so.\n<!-- hidden -->\n<details><pre>stack trace line</pre></details>";
        var clean = IssueTextCleaner.Clean("Title", body);
        Assert.Contains("parser", clean);
        Assert.Contains("the docs say so.", clean);
        foreach (var gone in new[] { "<p>", "<b>", "var secret", "```", "tool --x", "https://", "www.example", "hidden", "stack trace line", "docs.example.com" })
            Assert.DoesNotContain(gone, clean);
    }

    [Fact]
    public void Removes_personal_data_and_secrets()
    {
        var body = "Contact jane.doe@example.com or @octocat and @my-org/team.\nToken ghp_abcdefghijklmnopqrstuvwxyz0123456789 leaked.\n" +
                   "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz\nAWS AKIAIOSFODNN7EXAMPLE\nhash 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\n" +
                   "key dGhpcyBpcyBhIHZlcnkgbG9uZyBzZWNyZXQga2V5IHRoYXQgc2hvdWxkIGdvMTIzNA==";
        var clean = IssueTextCleaner.Clean("Leak", body);
        foreach (var gone in new[] { "jane.doe", "example.com", "@octocat", "octocat", "my-org", "ghp_", "github_pat_", "AKIA", "9f86d081", "dGhpcyBp" })
            Assert.DoesNotContain(gone, clean);
        Assert.Contains("Contact", clean);
        Assert.Contains("leaked.", clean);
    }

    [Fact]
    public void Keeps_ordinary_words_and_short_numbers()
    {
        var clean = IssueTextCleaner.Clean("Version 2.3 crashes", "Since 2024 the build at commit abc123 fails with error 500.");
        Assert.Equal("Version 2.3 crashes Since 2024 the build at commit abc123 fails with error 500.", clean);
    }

    [Fact]
    public void Removes_empty_and_duplicate_lines()
    {
        var clean = IssueTextCleaner.Clean("Same", "Same\n\n   \n---\nSteps:\nSteps:\nsteps:\n- \nDone");
        Assert.Equal("Same Steps: Done", clean);
    }

    [Fact]
    public void Empty_input_gives_empty_text()
    {
        Assert.Equal(string.Empty, IssueTextCleaner.Clean(null, null));
        Assert.Equal(string.Empty, IssueTextCleaner.Clean("  ", "\n\n"));
    }

    [Fact]
    public void Caps_length()
    {
        var body = string.Join("\n", Enumerable.Range(0, 2000).Select(i => $"line number {i} of a very long issue body"));
        Assert.True(IssueTextCleaner.Clean("t", body).Length <= IssueTextCleaner.MaxCleanLength);
    }
}
