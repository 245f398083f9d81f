using Pipeline.Domain;
using Pipeline.Storage;

namespace Pipeline.ML;

/// <summary>Collections and indexes the ML lifecycle uses.</summary>
internal static class MlCollections
{
    public static IReadOnlyList<CollectionDefinition> Definitions { get; } =
    [
        new(Collections.Models, new IndexDefinition("models_kind_name_version", ["kind", "name", "version"])),
        // The prediction log takes two documents per served request, and in PostgreSQL each index costs every one of them an
        // insertion (most of the store's time per entry: docs/benchmarks.md "Issue 15, part 6"). So only what a query
        // reads is indexed, and only when it can be read: the drift window (model, newest first), the resolution pass
        // (unresolved, in _id order: its paging key), and live metrics over resolved documents only (a document gains
        // resolved_at when resolved, so a new one costs that index nothing). No query reads issue_ref.
        new(Collections.Predictions,
            new IndexDefinition("predictions_model_created", ["model", "created_at"]),
            new IndexDefinition("predictions_resolved_id", ["resolved", "_id"]),
            new IndexDefinition("predictions_model_version_resolved_at", ["model", "version", "resolved_at"]) { SparseOn = "resolved_at" })
        {
            RetiredIndexes = ["predictions_resolved_created", "predictions_issue_ref", "predictions_model_version_resolved"],
        },
        new(Collections.MonitorReports, new IndexDefinition("monitor_reports_kind_model_at", ["kind", "model", "at"])),
        new(Training.TrainingRunStore.Collection, new IndexDefinition("ml_runs_model_started", ["model", "sortStartedAt"])),
    ];
}
