using System.Globalization;
using Pipeline.Audit.Git;
using Pipeline.Audit.Model;
using Pipeline.Audit.Reporting;

namespace Pipeline.Audit.Cli;

/// <summary>
/// <c>audit &lt;path|owner/name&gt; [--since yyyy-mm-dd] [--out dir] [--top N] [--file path]</c>: audits a repository and writes
/// audit.json, audit.md and the PNG charts to the out folder (default ./audit-report). Exit codes: 0 done, 1 failed, 2 usage.
/// Settings come from <c>Audit__*</c> environment variables unless options are passed.
/// </summary>
public static class AuditCommand
{
    public const string Usage = "usage: audit <path|owner/name> [--since yyyy-mm-dd] [--out dir] [--top N] [--file repo/relative/path]";

    public static Task<int> RunAsync(string[] args) => RunAsync(args, null, Console.Out, Console.Error, CancellationToken.None);

    public static async Task<int> RunAsync(string[] args, AuditOptions? options, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        if (args.Length > 0 && args[0] == "audit") args = args[1..];
        if (!TryParse(args, out var request, out var outDir, out var error))
        {
            await stderr.WriteLineAsync(error);
            await stderr.WriteLineAsync(Usage);
            return 2;
        }
        options ??= AuditOptions.FromEnvironment();
        if (options.Validate() is { } invalid)
        {
            await stderr.WriteLineAsync(invalid);
            return 2;
        }

        try
        {
            var report = await new AuditService(options).AuditAsync(request, ct);
            var written = await WriteOutputsAsync(report, outDir, ct);
            await stdout.WriteLineAsync(Summary(report));
            await stdout.WriteLineAsync($"Wrote {string.Join(", ", written)} to {outDir}");
            return 0;
        }
        catch (AuditInputException e)
        {
            await stderr.WriteLineAsync(e.Message);
            await stderr.WriteLineAsync(Usage);
            return 2;
        }
        catch (AuditSourceUnavailableException e)
        {
            await stderr.WriteLineAsync(e.Message);
            return 1;
        }
    }

    /// <summary>Writes audit.json, audit.md and charts/*.png; returns the relative file names.</summary>
    public static async Task<IReadOnlyList<string>> WriteOutputsAsync(AuditReport report, string outDir, CancellationToken ct)
    {
        Directory.CreateDirectory(outDir);
        var charts = AuditCharts.WriteAll(report, Path.Combine(outDir, "charts"));
        var chartLinks = charts.ToDictionary(c => c.Key, c => "charts/" + c.Value);
        await File.WriteAllTextAsync(Path.Combine(outDir, "audit.json"), AuditJson.Serialize(report), ct);
        await File.WriteAllTextAsync(Path.Combine(outDir, "audit.md"), MarkdownReport.Render(report, chartLinks), ct);
        return ["audit.json", "audit.md", .. chartLinks.Values];
    }

    public static string Summary(AuditReport r)
    {
        var s = r.MlTestScore.Sections;
        static string N(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);
        return $"ML Test Score {N(r.MlTestScore.Final)} — {r.MlTestScore.Band}\n" +
               $"  data {N(s.Data.Score)}, model {N(s.Model.Score)}, infrastructure {N(s.Infrastructure.Score)}, monitoring {N(s.Monitoring.Score)}\n" +
               $"  {r.Statistics.CommitsAnalyzed} commits in {r.Statistics.ElapsedMilliseconds} ms ({N(r.Statistics.CommitsPerSecond)} commits/s), " +
               $"{r.Tools.Count} tools, {r.Workflows.Count} workflows, CI runs from {r.CiRunsByMonth.Source}";
    }

    public static bool TryParse(string[] args, out AuditRequest request, out string outDir, out string error)
    {
        request = new AuditRequest();
        outDir = Path.GetFullPath("audit-report");
        error = "";
        string? target = null;
        for (var i = 0; i < args.Length; i++)
        {
            var a = args[i];
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{a} needs a value");
            try
            {
                switch (a)
                {
                    case "--since":
                        var since = Next();
                        if (!DateOnly.TryParseExact(since, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)) { error = $"--since must be yyyy-mm-dd; got \"{since}\""; return false; }
                        request = request with { Since = d };
                        break;
                    case "--out": outDir = Path.GetFullPath(Next()); break;
                    case "--top":
                        var top = Next();
                        if (!int.TryParse(top, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1) { error = $"--top must be a positive number; got \"{top}\""; return false; }
                        request = request with { TopN = n };
                        break;
                    case "--file": request = request with { File = Next() }; break;
                    case "-h" or "--help": error = "audit: ML Test Score and repository analytics"; return false;
                    default:
                        if (a.StartsWith('-')) { error = $"unknown option {a}"; return false; }
                        if (target is not null) { error = $"only one repository can be audited; got \"{target}\" and \"{a}\""; return false; }
                        target = a;
                        break;
                }
            }
            catch (ArgumentException e) { error = e.Message; return false; }
        }
        if (target is null) { error = "the repository to audit is missing"; return false; }
        if (Directory.Exists(target)) request = request with { Path = Path.GetFullPath(target) };
        else if (RepositoryLocator.IsRepoName(target)) request = request with { Repo = target };
        else { error = $"\"{target}\" is neither an existing folder nor owner/name"; return false; }
        return true;
    }
}
