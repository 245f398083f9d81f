using Pipeline.ML.Registry;
using Pipeline.ML.Training;

namespace Pipeline.Api.Models;

/// <summary>One version in <c>GET /api/models/{name}</c> (the full document: <c>GET /api/models/{name}/versions/{version}</c>).</summary>
internal sealed record ModelVersionSummary(
    int Version,
    DateTime CreatedAt,
    List<string> Aliases,
    string Trainer,
    Dictionary<string, double> Hyperparameters,
    TextSettings TextFeaturizer,
    DatasetInfo Dataset,
    Dictionary<string, double> CvMetrics,
    Dictionary<string, double> TestMetrics,
    GateInfo Gate,
    int? ParentVersion,
    string CodeVersion,
    string Reason)
{
    public static ModelVersionSummary Of(ModelVersionInfo v)
    {
        ArgumentNullException.ThrowIfNull(v);
        return new(v.Version, v.CreatedAt, v.Aliases, v.Trainer, v.Hyperparameters, v.TextFeaturizer, v.Dataset, v.CvMetrics,
            v.TestMetrics, v.Gate, v.ParentVersion, v.CodeVersion, v.Reason);
    }
}
