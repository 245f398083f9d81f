using System.Diagnostics;
using System.Globalization;
using System.Text;
using LibGit2Sharp;
using Pipeline.Audit;
using Pipeline.Audit.Git;
using Pipeline.Audit.Model;

namespace Pipeline.Bench.Audit;

/// <summary>
/// <c>audit [--commits 50000] [--repo dir] [--parallelism N]</c>: generates a repository with N commits straight into the object
/// database (then packs it), warms the page cache with one diff walk, and in the same run measures (1) a bare LibGit2Sharp commit walk, (2) a walk that diffs every
/// commit's tree against its parent, (3) the full audit single-threaded and (4) with the configured parallelism. Prints
/// commits/s and the ratios to the bare walk. The generated repository is kept and reused when --repo names an existing one.
/// </summary>
public static class AuditBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var commits = 50_000;
        string? repoDir = null;
        var parallelism = Environment.ProcessorCount;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "audit": break;
                case "--commits": commits = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--repo": repoDir = args[++i]; break;
                case "--parallelism": parallelism = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                default:
                    Console.Error.WriteLine("usage: audit [--commits 50000] [--repo dir] [--parallelism N]");
                    return 2;
            }
        }
        repoDir ??= Path.Combine(Path.GetTempPath(), $"pipeline-audit-bench-{commits}");
        Console.WriteLine($"Audit benchmark: {commits} commits, {Environment.ProcessorCount} cores, parallelism {parallelism}, repository {repoDir}");

        if (!Repository.IsValid(repoDir) || CountCommits(repoDir) != commits)
        {
            if (Directory.Exists(repoDir)) Directory.Delete(repoDir, recursive: true);
            var gen = Stopwatch.StartNew();
            Generate(repoDir, commits);
            Console.WriteLine($"generated in {gen.Elapsed.TotalSeconds:0.0} s ({commits / gen.Elapsed.TotalSeconds:0} commits/s, packed)");
        }

        // The first pass reads the pack from disk; the measurements after it see the same warm page cache.
        Measure("warm-up: walk + tree diff (not compared)", commits, () => DiffWalk(repoDir));
        var walk = Measure("bare LibGit2Sharp walk (commit + author date)", commits, () => BareWalk(repoDir));
        var diffWalk = Measure("walk + tree diff per commit (TreeChanges, 1 thread)", commits, () => DiffWalk(repoDir));
        AuditReport? report = null;
        var audit1 = await MeasureAsync("full audit, 1 thread", commits, async () => report = await Audit(repoDir, 1));
        Console.WriteLine("  phases (ms): " + string.Join(", ", report!.Statistics.PhaseMilliseconds.Select(p => $"{p.Key} {p.Value}")));
        var auditN = await MeasureAsync($"full audit, {parallelism} threads", commits, async () => report = await Audit(repoDir, parallelism));

        Console.WriteLine();
        Console.WriteLine($"| measurement | seconds | commits/s | vs bare walk |");
        Console.WriteLine($"|---|---|---|---|");
        foreach (var (name, seconds) in new[] { walk, diffWalk, audit1, auditN })
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {seconds:0.00} | {commits / seconds:0} | {seconds / walk.Seconds:0.0}x the time |"));
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"audit ({parallelism} threads) / diff walk: {auditN.Seconds / diffWalk.Seconds:0.00}x the time; target < 60 s: {(auditN.Seconds < 60 ? "met" : "MISSED")} ({auditN.Seconds:0.0} s)"));
        Console.WriteLine("phases (ms): " + string.Join(", ", report!.Statistics.PhaseMilliseconds.Select(p => $"{p.Key} {p.Value}")));
        Console.WriteLine($"report: {report!.Statistics.CommitsAnalyzed} commits, {report.Months.Count} months, {report.Tools.Count} tools, {report.Statistics.BlobsScanned} blobs scanned, final score {report.MlTestScore.Final}");
        return auditN.Seconds < 60 ? 0 : 1;
    }

    private static (string Name, double Seconds) Measure(string name, int commits, Func<int> run)
    {
        var sw = Stopwatch.StartNew();
        var n = run();
        var s = sw.Elapsed.TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}: {n} commits in {s:0.00} s = {n / s:0} commits/s"));
        return (name, s);
    }

    private static async Task<(string Name, double Seconds)> MeasureAsync(string name, int commits, Func<Task> run)
    {
        var sw = Stopwatch.StartNew();
        await run();
        var s = sw.Elapsed.TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}: {commits} commits in {s:0.00} s = {commits / s:0} commits/s"));
        return (name, s);
    }

    private static int CountCommits(string repoDir)
    {
        using var repo = new Repository(repoDir);
        return repo.Head.Tip is null ? 0 : repo.Commits.QueryBy(new CommitFilter { IncludeReachableFrom = repo.Head.Tip }).Count();
    }

    private static int BareWalk(string repoDir)
    {
        using var repo = new Repository(repoDir);
        var n = 0;
        long ticks = 0;
        foreach (var c in repo.Commits.QueryBy(new CommitFilter { IncludeReachableFrom = repo.Head.Tip, SortBy = CommitSortStrategies.Time }))
        {
            ticks += c.Author.When.UtcTicks;
            n++;
        }
        return ticks == 0 ? 0 : n;
    }

    private static int DiffWalk(string repoDir)
    {
        using var repo = new Repository(repoDir);
        var options = new LibGit2Sharp.CompareOptions { Similarity = SimilarityOptions.None };
        var n = 0;
        var paths = 0;
        foreach (var c in repo.Commits.QueryBy(new CommitFilter { IncludeReachableFrom = repo.Head.Tip, SortBy = CommitSortStrategies.Time }))
        {
            using var changes = repo.Diff.Compare<TreeChanges>(c.Parents.FirstOrDefault()?.Tree, c.Tree, options);
            foreach (var ch in changes) paths += ch.Path.Length > 0 ? 1 : 0;
            n++;
        }
        return paths == 0 ? 0 : n;
    }

    private static Task<AuditReport> Audit(string repoDir, int parallelism) =>
        new AuditService(new AuditOptions { Parallelism = parallelism, UseGitHubApi = false, WorkDir = Path.GetTempPath() })
            .AuditAsync(new AuditRequest { Path = Path.GetFullPath(repoDir), File = "src/pkg0/mod0.py" });

    private static readonly string[] Imports =
    [
        "import numpy as np", "import pandas as pd", "from sklearn.linear_model import LogisticRegression", "import mlflow",
        "import wandb", "import evidently", "from prefect import flow", "import torch", "from airflow import DAG", "import requests",
    ];

    private static readonly string[] Dependencies =
    [
        "numpy==1.26.4", "pandas==2.2.0", "scikit-learn==1.4.0", "mlflow==2.10.0", "dvc==3.40.0", "great-expectations==0.18.8",
        "evidently==0.4.15", "prometheus-client==0.19.0", "prefect==2.14.0", "bentoml==1.1.11", "wandb==0.16.2", "pandera==0.18.0",
    ];

    private static readonly string[] Messages =
    [
        "Refactor {0}", "Fix bug in {0}", "Improve accuracy of {0}", "Add benchmark for {0}", "Evaluation of {0} on the test set",
        "Tune {0}", "Clean up {0}", "Track metrics in {0}", "Speed up {0}", "Document {0}",
    ];

    /// <summary>A reproducible history: 40 packages × 25 modules, tests, configs; each commit changes 1–3 files.</summary>
    public static void Generate(string repoDir, int commits)
    {
        var random = new Random(42);
        var start = new DateTimeOffset(2021, 1, 1, 8, 0, 0, TimeSpan.Zero);
        using var w = GitCommitWriter.Create(repoDir, bare: true);
        w.UpdateBranchEachCommit = false;
        var deps = new List<string> { Dependencies[0], Dependencies[1] };
        string Module(int pkg, int mod, int version)
        {
            var sb = new StringBuilder();
            sb.Append(Imports[(pkg + mod + version) % Imports.Length]).Append('\n');
            if (version % 3 == 0) sb.Append(Imports[(pkg * 7 + version) % Imports.Length]).Append('\n');
            sb.Append(CultureInfo.InvariantCulture, $"\n\ndef step_{mod}(x):\n    \"\"\"Version {version}.\"\"\"\n    return x * {version % 97} + {pkg}\n");
            return sb.ToString();
        }

        for (var p = 0; p < 40; p++)
        {
            for (var m = 0; m < 25; m++) w.Put($"src/pkg{p}/mod{m}.py", Module(p, m, 0));
            w.Put($"tests/test_pkg{p}.py", $"from src.pkg{p} import mod0\n\n\ndef test_step():\n    assert mod0.step_0(1) == {p}\n");
        }
        w.Put("requirements.txt", string.Join('\n', deps) + "\n")
            .Put("README.md", "# Synthetic ML project\n")
            .Put(".github/workflows/ci.yml", "name: CI\non: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: pytest\n")
            .Put("Dockerfile", "FROM python:3.12\n")
            .Put("dvc.yaml", "stages:\n  train:\n    cmd: python -m src.pkg0.mod0\n")
            .Commit("Initial commit", start);

        for (var i = 1; i < commits; i++)
        {
            var changes = 1 + random.Next(3);
            string? first = null;
            for (var c = 0; c < changes; c++)
            {
                var p = random.Next(40);
                var m = random.Next(25);
                var path = $"src/pkg{p}/mod{m}.py";
                w.Put(path, Module(p, m, i));
                first ??= path;
            }
            var roll = random.Next(1000);
            if (roll < 5)
            {
                deps.Add(Dependencies[random.Next(Dependencies.Length)]);
                w.Put("requirements.txt", string.Join('\n', deps.Distinct()) + "\n");
            }
            else if (roll < 7)
                w.Put(".github/workflows/ci.yml", $"name: CI\non: [push, pull_request]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: pytest -k v{i}\n");
            else if (roll < 12)
            {
                var p = random.Next(40);
                w.Put($"tests/test_pkg{p}.py", $"from src.pkg{p} import mod0\n\n\ndef test_step():\n    assert mod0.step_0(1) is not None  # {i}\n");
            }
            w.Commit(string.Format(CultureInfo.InvariantCulture, Messages[random.Next(Messages.Length)], first), start.AddMinutes(40.0 * i));
        }
        w.Pack();
    }
}
