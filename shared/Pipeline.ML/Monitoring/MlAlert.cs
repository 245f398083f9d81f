namespace Pipeline.ML.Monitoring;

public sealed record MlAlert(string Model, string Severity, string Title, IReadOnlyList<string> Reasons, string? ReportId, DateTime At);
