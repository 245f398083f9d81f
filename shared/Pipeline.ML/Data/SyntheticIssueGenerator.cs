using System.Text;

namespace Pipeline.ML.Data;

/// <summary>
/// Deterministic generator of realistic, SYNTHETIC GitHub issues with learnable signal, used when the store has too few
/// real closed issues (first start, tests, benchmarks). Labels follow from the wording of title and body (with noise);
/// time to close depends on the label, repository speed and activity, the author's association and habits, text length
/// and priority labels, with log-normal noise. Issues are spread over time so a time-based split is meaningful.
/// Bodies include markdown, HTML, code blocks, URLs and personal data so the cleaning path is exercised.
/// </summary>
internal sealed class SyntheticIssueGenerator
{
    public sealed record RepoProfile(string Name, string Language, double Activity, double Speed);

    public static IReadOnlyList<RepoProfile> Repositories { get; } =
    [
        new("acme/webapp", "TypeScript", 3.0, 0.6),
        new("acme/api", "C#", 2.0, 0.8),
        new("octo/cli", "Go", 1.5, 1.0),
        new("datalab/pipeline", "Python", 2.5, 0.9),
        new("rustacean/engine", "Rust", 1.0, 1.3),
        new("mobile/app", "Kotlin", 1.2, 1.6),
        new("docs/site", "JavaScript", 0.8, 0.7),
        new("infra/tools", "Go", 0.6, 1.8),
        new("ml/notebooks", "Python", 0.7, 2.2),
        new("core/runtime", "C++", 1.6, 1.1),
    ];

    private static readonly string[] Labels = LabelTaxonomy.Classes.ToArray();
    private static readonly double[] DefaultLabelWeights = [0.38, 0.27, 0.16, 0.11, 0.08];
    private static readonly double[] BaseDays = [4.0, 22.0, 1.5, 3.0, 11.0];

    private static readonly string[][] Titles =
    [
        ["App crashes when {0} is empty", "NullReferenceException in {0}", "{0} fails with error after upgrade", "Regression: {0} broken since last release",
         "Unexpected exception thrown by {0}", "{0} returns wrong result", "Segfault when calling {0}", "Error 500 from {0} endpoint", "{0} throws on startup"],
        ["Add support for {0}", "Feature request: {0} option", "Allow configuring {0}", "Proposal: new {0} API", "It would be nice to have {0}",
         "Support {0} in the CLI", "Add a flag to customise {0}", "New {0} integration"],
        ["How do I configure {0}?", "Is it possible to use {0} with docker?", "Question about {0} behaviour", "How to migrate {0}?",
         "What is the recommended way to set up {0}?", "Help: can't figure out {0}", "Why does {0} work this way?"],
        ["Docs: typo in {0} guide", "README section on {0} is outdated", "Missing documentation for {0}", "Broken link in {0} docs page",
         "Improve the {0} tutorial", "Clarify {0} in the reference docs"],
        ["{0} is slow on large inputs", "High memory usage in {0}", "Performance regression in {0}", "{0} takes minutes to load",
         "CPU spikes when {0} runs", "Latency of {0} doubled"],
    ];

    private static readonly string[][] Sentences =
    [
        ["The process crashes with a stack trace.", "I get an exception every time.", "Steps to reproduce are below.", "Expected it to work but it fails.",
         "This is broken since version 2.3.", "The error message says null reference.", "It throws an unhandled exception.", "The crash happens on every run.",
         "Actual behaviour: error. Expected behaviour: success.", "Stack trace attached, the failure is reproducible."],
        ["It would be great to add this feature.", "This would make the workflow easier.", "Other tools already support this option.",
         "I propose adding a new setting.", "Could we extend the API for this use case?", "A configuration flag would help a lot.",
         "This enhancement would benefit many users.", "Happy to contribute a pull request for the feature."],
        ["I am not sure how to do this.", "Is there an example somewhere?", "Can someone explain how this works?", "Any help is appreciated.",
         "I could not find the answer anywhere.", "What am I missing here?", "Thanks in advance for any pointers."],
        ["The documentation page has a typo.", "The guide does not mention this step.", "The README example is outdated.",
         "The docs link points to a missing page.", "Please clarify this paragraph in the docs.", "The tutorial skips an important step."],
        ["It takes a long time to finish.", "Memory grows until the process is killed.", "Profiling shows most time spent in the parser.",
         "Latency went from 10ms to 200ms.", "CPU usage is at 100% for minutes.", "Throughput dropped after the update."],
    ];

    private static readonly string[] Generic =
    [
        "I am using the latest version.", "My environment is described below.", "This happens on Linux and macOS.", "See the details below.",
        "Let me know if you need more information.", "We noticed this in production.", "Tested with the main branch too.", "Thanks for the project!",
    ];

    private static readonly string[] Topics =
    [
        "config loader", "authentication", "the dashboard", "export to CSV", "plugin system", "caching layer", "webhooks", "the scheduler",
        "logging", "database migrations", "search", "file upload", "the parser", "dark mode", "notifications", "rate limiting", "the installer",
    ];

    private static readonly string[] Associations = ["OWNER", "MEMBER", "COLLABORATOR", "CONTRIBUTOR", "NONE", "FIRST_TIME_CONTRIBUTOR"];

    private readonly int _seed;

    public SyntheticIssueGenerator(int seed = 42) => _seed = seed;

    /// <summary>
    /// <paramref name="count"/> issues created between <paramref name="start"/> and <paramref name="end"/>; an issue is closed only
    /// if its close time is before <paramref name="end"/> (the "now" of the data set).
    /// </summary>
    public IReadOnlyList<IssueRecord> Generate(int count, DateTime start, DateTime end, SyntheticShift? shift = null, int numberOffset = 0)
    {
        shift ??= SyntheticShift.None;
        var rng = new Random(_seed);
        var repoIdx = shift.RepoIndexes ?? Enumerable.Range(0, Repositories.Count).ToArray();
        var repoWeights = repoIdx.Select(i => Repositories[i].Activity).ToArray();
        var labelWeights = shift.LabelWeights ?? DefaultLabelWeights;
        var authors = Enumerable.Range(0, Math.Max(20, count / 8))
            .Select(i => (Login: $"user{i:D5}", Assoc: Associations[Pick(rng, [0.03, 0.12, 0.08, 0.27, 0.42, 0.08])], Habit: 0.6 + rng.NextDouble()))
            .ToArray();
        var span = (end - start).TotalSeconds;
        var issues = new List<IssueRecord>(count);
        var numbers = new Dictionary<string, int>();
        var times = Enumerable.Range(0, count).Select(_ => start.AddSeconds(rng.NextDouble() * span)).OrderBy(t => t).ToArray();
        for (var i = 0; i < count; i++)
        {
            var repo = Repositories[repoIdx[Pick(rng, repoWeights)]];
            var label = Pick(rng, labelWeights);
            var author = authors[(int)Math.Min(authors.Length - 1, Math.Floor(authors.Length * Math.Pow(rng.NextDouble(), 2.2)))];
            var assoc = shift.FirstTimerShare is { } ft ? (rng.NextDouble() < ft ? "NONE" : author.Assoc) : author.Assoc;
            var topic = Topics[rng.Next(Topics.Length)];
            // 12% of titles come from another class: label noise a model cannot fully resolve.
            var wording = shift.VocabularyOf?[label] ?? label;
            var titleClass = rng.NextDouble() < 0.12 ? rng.Next(Labels.Length) : wording;
            var title = string.Format(Titles[titleClass][rng.Next(Titles[titleClass].Length)], topic);
            var body = Body(rng, wording, topic, shift.BodyLengthFactor);
            var labels = new List<string> { LabelName(rng, label) };
            var highPriority = rng.NextDouble() < 0.12;
            if (highPriority) labels.Add("priority: high");
            if (rng.NextDouble() < 0.15) labels.Add("good first issue");
            if (rng.NextDouble() < 0.2) labels.Add("needs-triage");
            var assocFactor = assoc switch { "OWNER" or "MEMBER" or "COLLABORATOR" => 0.45, "CONTRIBUTOR" => 0.8, _ => 1.35 };
            var lengthFactor = 1 + body.Length / 2500.0;
            var noise = Math.Exp(0.55 * Gaussian(rng));
            var days = BaseDays[label] * repo.Speed * assocFactor * author.Habit * lengthFactor * (highPriority ? 0.4 : 1) * noise * shift.CloseTimeFactor;
            var created = times[i];
            var neverClosed = rng.NextDouble() < 0.06;
            var closedAt = neverClosed ? (DateTime?)null : created.AddDays(days);
            if (closedAt > end) closedAt = null;
            var number = numbers[repo.Name] = numbers.GetValueOrDefault(repo.Name, numberOffset) + 1;
            issues.Add(new IssueRecord(repo.Name, number, title, body, labels, closedAt is null ? "open" : "closed", author.Login, assoc,
                created, closedAt, repo.Language));
        }
        return issues;
    }

    private static string LabelName(Random rng, int label) => (label, rng.Next(3)) switch
    {
        (0, 0) => "bug",
        (0, 1) => "type: bug",
        (0, _) => "kind/bug",
        (1, 0) => "enhancement",
        (1, 1) => "feature request",
        (1, _) => "type: feature",
        (2, 0) => "question",
        (2, 1) => "support",
        (2, _) => "question",
        (3, 0) => "documentation",
        (3, 1) => "docs",
        (3, _) => "documentation",
        (_, 0) => "performance",
        (_, 1) => "perf",
        (_, _) => "performance",
    };

    private static string Body(Random rng, int label, string topic, double lengthFactor)
    {
        var sb = new StringBuilder();
        var n = Math.Max(1, (int)Math.Round((2 + rng.Next(5)) * lengthFactor));
        for (var s = 0; s < n; s++)
        {
            var own = rng.NextDouble() < 0.55;
            var cls = own ? label : rng.Next(Labels.Length);
            var pool = rng.NextDouble() < 0.3 ? Generic : Sentences[cls];
            sb.Append(pool[rng.Next(pool.Length)]).Append(' ');
            if (rng.NextDouble() < 0.3) sb.Append("This concerns ").Append(topic).Append(".\n");
        }
        var extra = rng.Next(10);
        if (extra == 0) sb.Append("\n```csharp\nvar x = Foo.Bar(null); // throws\n```\n");
        if (extra == 1) sb.Append("\nSee https://example.com/issues/").Append(rng.Next(1000)).Append(" for context.\n");
        if (extra == 2) sb.Append("\nContact me at dev").Append(rng.Next(100)).Append("@example.org, cc @maintainer-team\n");
        if (extra == 3) sb.Append("\n<details><summary>Logs</summary><pre>trace id 0x").Append(rng.Next()).Append("</pre></details>\n");
        if (extra == 4) sb.Append("\nRun `tool --verbose` to reproduce.\n");
        return sb.ToString();
    }

    private static int Pick(Random rng, double[] weights)
    {
        var total = weights.Sum();
        var r = rng.NextDouble() * total;
        for (var i = 0; i < weights.Length; i++)
        {
            r -= weights[i];
            if (r <= 0) return i;
        }
        return weights.Length - 1;
    }

    private static double Gaussian(Random rng)
    {
        var u1 = 1.0 - rng.NextDouble();
        var u2 = rng.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
