using System.Text;
using Pipeline.ML.Data;

namespace Pipeline.UnitTests.ML;

/// <summary>
/// The serving-speed cleaner (passes skipped when their pattern cannot match, one pass over the lines) must give exactly
/// the text of the regex pipeline it replaced, since training and serving features come from it: compared on the
/// synthetic issues the fixtures and benches train on, on issue bodies shaped like real GitHub issues, and on random
/// mixes of every construct the passes treat (code, HTML, links, secrets, mentions, odd whitespace, duplicates).
/// </summary>
public class TextCleanerEquivalenceTests
{
    private static void AssertSame(string? title, string? body)
    {
        Assert.Equal(ReferenceIssueTextCleaner.CleanText(title), IssueTextCleaner.CleanText(title));
        Assert.Equal(ReferenceIssueTextCleaner.CleanText(body), IssueTextCleaner.CleanText(body));
        // The feature text: fields cleaned as read, then their concatenation cleaned again (IssueFeaturizer.ToInput).
        var reference = ReferenceIssueTextCleaner.Clean(ReferenceIssueTextCleaner.CleanText(title), ReferenceIssueTextCleaner.CleanText(body));
        var issue = new IssueRecord("o/r", 1, IssueTextCleaner.CleanText(title), IssueTextCleaner.CleanText(body), [], "open", "a", "NONE",
            new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc), null, "C#");
        Assert.Equal(reference, IssueFeaturizer.ToInput(issue, HistoryFeatures.Empty).Text);
        Assert.Equal(ReferenceIssueTextCleaner.Clean(title, body), IssueTextCleaner.Clean(title, body));
    }

    [Fact]
    public void Synthetic_issues_clean_to_the_same_text()
    {
        var issues = new SyntheticIssueGenerator(99).Generate(3000, IssueDatasetBuilder.SyntheticStart, IssueDatasetBuilder.SyntheticEnd);
        var changed = 0;
        foreach (var i in issues)
        {
            AssertSame(i.Title, i.Body);
            if (IssueTextCleaner.CleanText(i.Body) != i.Body) changed++;
        }
        Assert.True(changed > 100, $"only {changed} bodies were changed by cleaning: the sample does not exercise the passes");
    }

    public static TheoryData<string, string> RealShapedIssues => new()
    {
        {
            "[Bug]: NullReferenceException in `Parser.Parse` when input is empty",
            "### Describe the bug\r\n\r\nCalling `Parser.Parse(\"\")` throws.\r\n\r\n### Steps to reproduce\r\n\r\n1. Install 2.3.1\r\n2. Run:\r\n\r\n```csharp\r\nvar p = new Parser();\r\np.Parse(\"\");\r\n```\r\n\r\n### Expected behavior\r\n\r\nAn empty document.\r\n\r\n### Actual behavior\r\n\r\n```\r\nSystem.NullReferenceException: Object reference not set to an instance of an object.\r\n   at Lib.Parser.Parse(String s) in /src/Parser.cs:line 42\r\n```\r\n\r\n### Environment\r\n\r\n- OS: Ubuntu 22.04\r\n- .NET: 8.0.100\r\n\r\ncc @octocat @my-org/core-team\r\n"
        },
        {
            "Feature request: support TOML config",
            "**Is your feature request related to a problem? Please describe.**\nI'm always frustrated when I have to convert my config.\n\n**Describe the solution you'd like**\nRead `config.toml` like [the YAML loader](https://github.com/org/repo/blob/main/src/yaml.rs) does.\n\n**Additional context**\n![screenshot](https://user-images.githubusercontent.com/1/2.png)\n\n- [ ] I searched existing issues\n- [x] I read the docs at www.example.org/docs\n"
        },
        {
            "Build fails on CI",
            "<!-- Please fill in the template -->\n<details>\n<summary>Full log</summary>\n\n<pre>\nerror: linker `cc` not found\n</pre>\n</details>\n\nCommit 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08 broke it.\nMy token ghp_abcdefghijklmnopqrstuvwxyz0123456789 was printed &amp; leaked &lt;oops&gt;.\nMail jane.doe+ci@example.co.uk\n\n---\n\n> quoted reply\n> quoted reply\n\nThanks!!\nthanks!!\n"
        },
        {
            "Crash when\tpressing  Ctrl+C",
            "It crashes.\u00a0\u00a0Really.\v\fSee\t\ttrace:\n~~~\nat main.rs:10\n~~~\nJWT eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U in logs\nAWS AKIAIOSFODNN7EXAMPLE and key dGhpcyBpcyBhIHZlcnkgbG9uZyBzZWNyZXQga2V5IHRoYXQgc2hvdWxkIGdvMTIzNA==\n<script>alert(1)</script><STYLE>p{}</STYLE><code>x</code>\n# \n## 1.\n***\n|---|---|\n| a | b |\n"
        },
        {
            "Ünïcödé títle — with emoji 🚀 and 中文",
            "Le problème: « ça plante » 😀\n\u2003indented with em space\u2003\nZero\u200Bwidth and \u0085next line\nLone surrogate \ud800 here and \udc00 there\nsk-abcdefghijklmnopqrstuvwxyz and xoxb-1234567890-abc\nAIzaSyA-1234567890abcdefghijklmnopqrstu\n"
        },
    };

    [Theory]
    [MemberData(nameof(RealShapedIssues))]
    public void Real_shaped_issues_clean_to_the_same_text(string title, string body) => AssertSame(title, body);

    private static readonly string[] Fragments =
    [
        "The build fails", "crash on start", "Steps:", "steps:", "1. open the app", "- [ ] checked", "```", "```js\nconsole.log(1)\n",
        "~~~", "`inline code`", "`", "<b>bold</b>", "<br/>", "<!-- hidden -->", "<!--", "-->", "<pre>log</pre>", "<script>x</script>",
        "<div class=\"a\">", "</div>", "a < b > c", "&amp;", "&lt;tag&gt;", "&#39;", "&nbsp;", "[docs](https://d.example.com/x)",
        "![img](a.png)", "[broken](", "](", "https://example.com/a?b=c", "HTTP://EXAMPLE.COM", "ftp://files.example.org/x",
        "www.example.org", "WWW.Example.ORG/path", "user@example.com", "a.b-c+d@sub.example.io", "@octocat", "@my-org/team",
        "email@", "@", "ghp_abcdefghijklmnopqrstuvwxyz0123", "github_pat_11ABCDEFG0123456789_abcdefghij", "xoxp-1234567890",
        "AKIAIOSFODNN7EXAMPLE", "AIzaSyA1234567890abcdefghijklmnopqrstuv", "sk-abcdefghijklmnopqrstu",
        "eyJhbGciOiJIUzI1.eyJzdWIiOiIxMjM0.dozjgNryP4J3jV", "0123456789abcdef0123456789abcdef", "0123456789abcdef0123456789abcde",
        "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ejAxMjM0NTY3ODk=",
        "abcdefghijklmnopqrstuvwxyzabcdefghijklmn", "Ab1/Ab1/Ab1/Ab1/Ab1/Ab1/Ab1/Ab1/Ab1/Ab1/Ab1/", "snake_case_identifier_long_enough",
        "  ", "\t", "\v", "\f", "\u00a0", "\u2003", "\u0085", "\r\n", "\r", "\n", "\n\n", "---", "###", "> quote", "| a | b |", "42.",
        "Ünïcödé", "🚀", "\ud800", "v2.3.1", "error 500", "x",
    ];

    [Fact]
    public void Random_mixes_of_every_construct_clean_to_the_same_text()
    {
        var rng = new Random(20261202);
        for (var n = 0; n < 4000; n++)
        {
            var sb = new StringBuilder();
            var parts = rng.Next(1, 40);
            for (var k = 0; k < parts; k++)
            {
                sb.Append(Fragments[rng.Next(Fragments.Length)]);
                sb.Append(rng.Next(4) switch { 0 => " ", 1 => "\n", 2 => "", _ => Fragments[rng.Next(Fragments.Length)] });
            }
            var text = sb.ToString();
            var cut = rng.Next(text.Length + 1);
            AssertSame(text[..cut], text[cut..]);
        }
    }

    [Fact]
    public void Long_bodies_are_capped_at_the_same_place()
    {
        var lines = Enumerable.Range(0, 3000).Select(i => $"line {i % 700} of a long\tbody  with @user{i} and https://x.example/{i}");
        AssertSame("t", string.Join("\n", lines));
        AssertSame("t", string.Join(" ", lines));
        AssertSame(new string('a', 5000), new string('b', 39) + "\n" + new string('C', 4100));
    }

    [Fact]
    public void Empty_and_whitespace_inputs_agree()
    {
        foreach (var s in new[] { null, "", " ", "\n", "\r\n\r\n", "\t\v\f", "---\n###\n1.", "\u00a0" }) AssertSame(s, s);
    }
}
