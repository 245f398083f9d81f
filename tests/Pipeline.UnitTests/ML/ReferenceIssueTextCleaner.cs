using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace Pipeline.UnitTests.ML;

/// <summary>
/// The text cleaner as it was before the single-pass rewrite (every regex pass run unconditionally, lines split into
/// strings): kept verbatim as the reference that <see cref="Pipeline.ML.Data.IssueTextCleaner"/> must agree with exactly,
/// since training and serving features both come from it.
/// </summary>
internal static partial class ReferenceIssueTextCleaner
{
    /// <summary>Upper bound of the cleaned text; longer bodies carry little extra signal and cost featurization time.</summary>
    private const int MaxCleanLength = 4000;

    [GeneratedRegex(@"(?s)```.*?(```|$)|~~~.*?(~~~|$)")]
    private static partial Regex FencedCode();

    [GeneratedRegex(@"`[^`\n]*`")]
    private static partial Regex InlineCode();

    [GeneratedRegex(@"(?is)<(script|style|pre|code)\b[^>]*>.*?</\1\s*>")]
    private static partial Regex HtmlBlocks();

    [GeneratedRegex(@"(?s)<!--.*?-->")]
    private static partial Regex HtmlComments();

    [GeneratedRegex(@"</?[a-zA-Z][^>]*>")]
    private static partial Regex HtmlTags();

    [GeneratedRegex(@"!?\[([^\]]*)\]\([^)]*\)")]
    private static partial Regex MarkdownLinks();

    [GeneratedRegex(@"(?i)\b(?:https?|ftp)://\S+|\bwww\.\S+")]
    private static partial Regex Urls();

    [GeneratedRegex(@"(?i)[a-z0-9._%+\-]+@[a-z0-9.\-]+\.[a-z]{2,}")]
    private static partial Regex Emails();

    [GeneratedRegex(@"(?<![\w@])@[A-Za-z0-9](?:[A-Za-z0-9\-]{0,38})(?:/[A-Za-z0-9_.\-]+)?")]
    private static partial Regex Mentions();

    [GeneratedRegex(@"\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}|xox[abpors]-[A-Za-z0-9\-]{10,}|AKIA[0-9A-Z]{16}|AIza[0-9A-Za-z_\-]{35}|sk-[A-Za-z0-9]{20,}|eyJ[A-Za-z0-9_\-]{10,}\.[A-Za-z0-9_\-]{10,}\.[A-Za-z0-9_\-]{10,})")]
    private static partial Regex Tokens();

    [GeneratedRegex(@"\b[0-9a-fA-F]{32,}\b")]
    private static partial Regex LongHex();

    [GeneratedRegex(@"(?<![A-Za-z0-9+/])(?=[A-Za-z0-9+/]*[0-9])(?=[A-Za-z0-9+/]*[A-Z])(?=[A-Za-z0-9+/]*[a-z])[A-Za-z0-9+/]{40,}={0,2}")]
    private static partial Regex LongBase64();

    [GeneratedRegex(@"[ \t\f\v]+")]
    private static partial Regex Spaces();

    [GeneratedRegex(@"^[#>*\-+=_|\s\d.]*$")]
    private static partial Regex PunctuationOnlyLine();

    /// <summary>The cleaned concatenation of title and body.</summary>
    public static string Clean(string? title, string? body)
    {
        var text = (title ?? string.Empty) + "\n" + (body ?? string.Empty);
        return CleanText(text);
    }

    public static string CleanText(string? raw)
    {
        if (string.IsNullOrWhiteSpace(raw)) return string.Empty;
        var t = raw.Replace("\r\n", "\n").Replace('\r', '\n');
        t = FencedCode().Replace(t, " ");
        t = HtmlComments().Replace(t, " ");
        t = HtmlBlocks().Replace(t, " ");
        t = HtmlTags().Replace(t, " ");
        t = WebUtility.HtmlDecode(t);
        t = InlineCode().Replace(t, " ");
        t = MarkdownLinks().Replace(t, "$1");
        t = Urls().Replace(t, " ");
        t = ScrubPersonalData(t);

        // Remove empty and duplicate items (lines), keeping first occurrences in order.
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var sb = new StringBuilder(Math.Min(t.Length, MaxCleanLength + 64));
        foreach (var rawLine in t.Split('\n'))
        {
            var line = Spaces().Replace(rawLine, " ").Trim();
            if (line.Length == 0 || PunctuationOnlyLine().IsMatch(line)) continue;
            if (!seen.Add(line)) continue;
            if (sb.Length > 0) sb.Append(' ');
            sb.Append(line);
            if (sb.Length >= MaxCleanLength) break;
        }
        return sb.Length > MaxCleanLength ? sb.ToString(0, MaxCleanLength) : sb.ToString();
    }

    /// <summary>Removes emails, @mentions, access tokens and long hex/base64 strings (likely secrets or hashes).</summary>
    public static string ScrubPersonalData(string text)
    {
        var t = Emails().Replace(text, " ");
        t = Tokens().Replace(t, " ");
        t = Mentions().Replace(t, " ");
        t = LongHex().Replace(t, " ");
        t = LongBase64().Replace(t, " ");
        return t;
    }
}
