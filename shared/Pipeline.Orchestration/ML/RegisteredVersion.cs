namespace Pipeline.Orchestration.ML;

public sealed record RegisteredVersion(string Model, int Version, string Decision, string Reason, Dictionary<string, double> TestMetrics, string Trainer);
