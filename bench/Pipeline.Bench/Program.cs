using Pipeline.Bench.Audit;
using Pipeline.Bench.Ingest;
using Pipeline.Bench.ML;
using Pipeline.Bench.Webhooks;

// Pipeline's benchmarks. Each one measures the raw limit in the same run (bare producer, bare Kestrel, bare PredictionEngine,
// bare LibGit2Sharp walk, bare DuckDB SQL) and prints our result as a ratio against it. Results: docs/benchmarks.md.
var benchmarks = new Dictionary<string, (string What, Func<string[], Task<int>> Run)>(StringComparer.OrdinalIgnoreCase)
{
    ["ingest-floor"] = ("bare COPY of the ingest bench's events into tables with different index sets (the events' floor)", EventIndexFloorBenchmark.RunAsync),
    ["ingest-floor-projections"] = ("the ingest bench's projection upserts into tables with different index sets and merges (PostgreSQL CPU per row)", ProjectionFloorBenchmark.RunAsync),
    ["ingest"] = ("backfill path end to end (file -> topic -> consumer -> store) vs raw librdkafka producer", IngestBenchmark.RunAsync),
    ["scaling"] = ("consumer throughput against consumers and partitions (the curve docs/capacity.md assumes)", ConsumerScalingBenchmark.RunAsync),
    ["webhooks"] = ("webhook acknowledgement latency under load vs bare Kestrel", WebhookLatencyBenchmark.RunAsync),
    ["ml"] = ("predict latency in-process and over HTTP vs bare PredictionEngine; retraining stages", MlBench.RunAsync),
    ["audit"] = ("audit of a generated 50,000-commit repository vs bare LibGit2Sharp walk", AuditBenchmark.RunAsync),
    ["analytics"] = ("all trend jobs on 10M events via our runner vs bare DuckDB SQL", Pipeline.Bench.Analytics.AnalyticsBenchmark.RunAsync),
    ["trends"] = ("trends serving on the local host's routes, 50 concurrent clients (target p99 < 50 ms)", Pipeline.Bench.Analytics.TrendsServingBenchmark.RunAsync),
};

if (args.Length == 0 || !benchmarks.ContainsKey(args[0]) && args[0] != "all")
{
    Console.WriteLine("usage: Pipeline.Bench <benchmark|all> [options]   (each benchmark prints its own options with --help)");
    foreach (var (name, (what, _)) in benchmarks)
    {
        Console.WriteLine($"  {name,-10} {what}");
    }
    return args.Length == 0 ? 0 : 2;
}

if (args[0] == "all")
{
    var failures = 0;
    foreach (var (name, (what, run)) in benchmarks)
    {
        Console.WriteLine($"=== {name}: {what}");
        failures += await run([]) == 0 ? 0 : 1;
    }
    return failures == 0 ? 0 : 1;
}

return await benchmarks[args[0]].Run(args[1..]);
