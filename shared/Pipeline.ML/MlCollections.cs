using Pipeline.Domain;
using Pipeline.Storage;

namespace Pipeline.ML;

/// <summary>Collections and indexes the ML lifecycle uses.</summary>
internal static class MlCollections
{
    public static IReadOnlyList<CollectionDefinition> Definitions { get; } =
    [
        new(Collections.Models, new IndexDefinition("models_kind_name_version", ["kind", "name", "version"])),
        new(Collections.Predictions,
            new IndexDefinition("predictions_model_created", ["model", "created_at"]),
            new IndexDefinition("predictions_resolved_created", ["resolved", "created_at"]),
            new IndexDefinition("predictions_issue_ref", ["issue_ref"]),
            new IndexDefinition("predictions_model_version_resolved", ["model", "version", "resolved", "resolved_at"])),
        new(Collections.MonitorReports, new IndexDefinition("monitor_reports_kind_model_at", ["kind", "model", "at"])),
        new(Training.TrainingRunStore.Collection, new IndexDefinition("ml_runs_model_started", ["model", "sortStartedAt"])),
    ];
}
