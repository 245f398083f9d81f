namespace Pipeline.ML.Training;

/// <summary>Model names used in the API, the registry and metrics.</summary>
public static class ModelNames
{
    public const string IssueLabeler = "issue-labeler";
    public const string TimeToClose = "time-to-close";

    public static IReadOnlyList<string> All { get; } = [IssueLabeler, TimeToClose];

    public static bool IsKnown(string? name) => name is IssueLabeler or TimeToClose;

    public static void EnsureKnown(string name)
    {
        if (!IsKnown(name)) throw new ArgumentException($"Unknown model '{name}'; known models: {string.Join(", ", All)}", nameof(name));
    }

    /// <summary>The metric the grid search maximises and the gate compares (higher is better).</summary>
    public static string PrimaryMetric(string name) => name == IssueLabeler ? MetricNames.MacroF1 : MetricNames.Auc;
}
