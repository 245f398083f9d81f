using System.Globalization;
using System.Text;
using Pipeline.Audit.Model;

namespace Pipeline.Audit.Reporting;

/// <summary>The report as Markdown: score and evidence first, then the history analyses. Links charts when given their names.</summary>
internal static class MarkdownReport
{
    /// <summary>Marks the page so that a later audit does not take this report's words as evidence.</summary>
    public const string Marker = "<!-- pipeline-audit:ignore — generated report; its words are not evidence -->";

    public static string Render(AuditReport r, IReadOnlyDictionary<string, string>? chartFiles = null)
    {
        var sb = new StringBuilder();
        var name = r.Repository.Repo ?? r.Repository.GitHubRepository ?? r.Repository.Path ?? "repository";
        sb.AppendLine(Marker);
        sb.AppendLine($"# Repository audit: {Escape(name)}");
        sb.AppendLine();
        sb.AppendLine($"Head `{r.Repository.Head?[..Math.Min(12, r.Repository.Head.Length)] ?? "none"}` on `{r.Repository.Branch ?? "-"}`, " +
                      $"{r.Statistics.CommitsAnalyzed} commits analysed ({Date(r.Repository.FirstCommitDate)} → {Date(r.Repository.LastCommitDate)})" +
                      (r.Repository.Since is { } s ? $" since {s:yyyy-MM-dd}" : "") +
                      (r.Statistics.Truncated ? " (history truncated by Audit:MaxCommits)" : "") +
                      $", {r.Repository.FilesAtHead} files at HEAD. Generated {r.GeneratedAt:yyyy-MM-dd HH:mm} UTC in {r.Statistics.ElapsedMilliseconds} ms.");
        sb.AppendLine();

        var score = r.MlTestScore;
        sb.AppendLine("## ML Test Score");
        sb.AppendLine();
        sb.AppendLine($"**Final score: {Num(score.Final)}** — {score.Band}");
        sb.AppendLine();
        sb.AppendLine("The final score is the minimum of the four section scores (Breck et al., 2017, *The ML Test Score: A Rubric for ML Production Readiness and Technical Debt Reduction*). " +
                      "Each test scores 0 (no evidence), 0.5 (evidence present but manual or not run in CI) or 1 (automated and run in CI).");
        sb.AppendLine();
        sb.AppendLine($"CI: {(score.Ci.Definitions.Count == 0 ? "no CI definition found" : string.Join(", ", score.Ci.Definitions.Select(d => $"`{d}`")))}; " +
                      $"{(score.Ci.RunsTests ? $"runs tests (`{score.Ci.TestCommand}`)" : "does not run tests")}.");
        sb.AppendLine();
        sb.AppendLine("| Section | Score |");
        sb.AppendLine("|---|---|");
        foreach (var (_, section) in score.Sections.All()) sb.AppendLine($"| {section.Name} | {Num(section.Score)} / {Num(section.MaxScore)} |");
        sb.AppendLine();
        if (chartFiles?.GetValueOrDefault("scores") is { } scoresChart) sb.AppendLine($"![Score per section]({scoresChart})").AppendLine();

        foreach (var (_, section) in score.Sections.All())
        {
            sb.AppendLine($"### {section.Name} — {Num(section.Score)}");
            sb.AppendLine();
            sb.AppendLine("| Test | Score | Evidence | How to earn |");
            sb.AppendLine("|---|---|---|---|");
            foreach (var t in section.Tests)
            {
                var evidence = t.Evidence.Count == 0
                    ? "none"
                    : string.Join("<br>", t.Evidence.Select(e => $"`{Escape(e.Path)}{(e.Line is { } l ? ":" + l : "")}` — {Escape(e.Rule)}; {(e.Automated ? "**automated**" : "manual")}: {Escape(e.Reason)}"));
                sb.AppendLine($"| {t.Id}: {Escape(t.Name)} | {Num(t.Score)} | {evidence} | {(t.Score >= 1 ? "earned" : Escape(t.HowToEarn))} |");
            }
            sb.AppendLine();
        }

        sb.AppendLine("## MLOps tools");
        sb.AppendLine();
        if (chartFiles?.GetValueOrDefault("tool-categories") is { } heat) sb.AppendLine($"![Tool categories per month]({heat})").AppendLine();
        if (r.Tools.Count == 0) sb.AppendLine("No tool of the catalogue was detected.");
        else
        {
            sb.AppendLine("| Tool | Category | Occurrences in changed files | Months | Detected at HEAD in |");
            sb.AppendLine("|---|---|---|---|---|");
            foreach (var t in r.Tools.OrderBy(t => t.Category, StringComparer.Ordinal).ThenBy(t => t.Name, StringComparer.Ordinal))
                sb.AppendLine($"| {Escape(t.Name)} | {t.Category} | {t.Total} | {t.CountsByMonth.Count} | {(t.FilesAtHead.Count == 0 ? "-" : string.Join(", ", t.FilesAtHead.Take(5).Select(f => $"`{Escape(f)}`")) + (t.FilesAtHead.Count > 5 ? $" (+{t.FilesAtHead.Count - 5})" : "") + $" ({string.Join(", ", t.DetectedBy)})")} |");
        }
        sb.AppendLine();

        sb.AppendLine("## Files modified most per month");
        sb.AppendLine();
        if (chartFiles?.GetValueOrDefault("top-files") is { } top) sb.AppendLine($"![Top files per month]({top})").AppendLine();
        sb.AppendLine("| Month | Commits | Top files (changes) |");
        sb.AppendLine("|---|---|---|");
        foreach (var m in r.TopFilesByMonth.OrderByDescending(m => m.Month, StringComparer.Ordinal).Take(24))
            sb.AppendLine($"| {m.Month} | {m.Commits} | {string.Join(", ", m.Files.Take(5).Select(f => $"`{Escape(f.Path)}` ({f.Count})"))} |");
        if (r.TopFilesByMonth.Count > 24) sb.AppendLine().AppendLine($"({r.TopFilesByMonth.Count - 24} older months in the JSON report.)");
        sb.AppendLine();

        sb.AppendLine("## CI runs per month");
        sb.AppendLine();
        if (chartFiles?.GetValueOrDefault("ci-runs") is { } ciChart) sb.AppendLine($"![CI runs per month]({ciChart})").AppendLine();
        var ci = r.CiRunsByMonth;
        sb.AppendLine(ci.Source == "github-api"
            ? $"From the GitHub Actions API: {ci.TotalRuns} runs, success rate {(ci.SuccessRate is { } rate ? rate.ToString("P1", CultureInfo.InvariantCulture) : "n/a")}."
            : ci.Note ?? "Workflow-file changes per month.");
        sb.AppendLine();
        if (ci.Months.Count > 0)
        {
            sb.AppendLine(ci.Source == "github-api" ? "| Month | Runs | Succeeded | Failed | Success rate |" : "| Month | Commits changing workflows |");
            sb.AppendLine(ci.Source == "github-api" ? "|---|---|---|---|---|" : "|---|---|");
            foreach (var m in ci.Months)
                sb.AppendLine(ci.Source == "github-api"
                    ? $"| {m.Month} | {m.Runs} | {m.Succeeded} | {m.Failed} | {(m.SuccessRate is { } sr ? sr.ToString("P1", CultureInfo.InvariantCulture) : "-")} |"
                    : $"| {m.Month} | {m.Runs} |");
            sb.AppendLine();
        }

        sb.AppendLine("## Workflows");
        sb.AppendLine();
        if (r.Workflows.Count == 0) sb.AppendLine("No workflow in `.github/workflows/`.");
        foreach (var w in r.Workflows)
        {
            sb.AppendLine($"- `{Escape(w.Path)}`{(w.Name is null ? "" : $" ({Escape(w.Name)})")}: " + (w.Error ?? $"on {string.Join(", ", w.Triggers)}{(w.Schedules.Count > 0 ? $" (cron {string.Join(", ", w.Schedules)})" : "")}; jobs {string.Join(", ", w.Jobs.Select(j => $"{j.Id} [{string.Join(",", j.RunsOn)}, {j.Steps} steps]"))}"));
        }
        sb.AppendLine();

        sb.AppendLine("## Benchmark and evaluation keywords");
        sb.AppendLine();
        sb.AppendLine("| Keyword | Kind | In commit messages | Months | In files at HEAD | Top files |");
        sb.AppendLine("|---|---|---|---|---|---|");
        foreach (var k in r.Keywords)
            sb.AppendLine($"| {k.Keyword} | {k.Kind} | {k.CommitMessageTotal} | {k.CommitMessagesByMonth.Count} | {k.OccurrencesAtHead} | {string.Join(", ", k.TopFilesAtHead.Take(3).Select(f => $"`{Escape(f.Path)}` ({f.Count})"))} |");
        sb.AppendLine();

        if (r.FileHistory is { } fh)
        {
            sb.AppendLine($"## History of `{Escape(fh.Path)}`");
            sb.AppendLine();
            sb.AppendLine($"{fh.Commits.Count} commits, +{fh.LinesAdded} / -{fh.LinesRemoved} lines{(fh.PreviousPaths.Count > 0 ? $"; earlier names: {string.Join(", ", fh.PreviousPaths.Select(p => $"`{Escape(p)}`"))}" : "")}.");
            sb.AppendLine();
            sb.AppendLine("| Date | Commit | Change | + | - | Message |");
            sb.AppendLine("|---|---|---|---|---|---|");
            foreach (var c in fh.Commits.Take(100))
                sb.AppendLine($"| {c.Date:yyyy-MM-dd} | `{c.Sha[..10]}` | {c.Change} | {c.LinesAdded} | {c.LinesRemoved} | {Escape(c.Message)} |");
            sb.AppendLine();
        }
        return sb.ToString();
    }

    private static string Num(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);
    private static string Date(DateTimeOffset? d) => d?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "-";
    private static string Escape(string s) => s.Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal).Replace("\r", "", StringComparison.Ordinal);
}
