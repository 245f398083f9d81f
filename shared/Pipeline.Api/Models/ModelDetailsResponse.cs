using Pipeline.ML.Registry;

namespace Pipeline.Api.Models;

/// <summary>The answer of <c>GET /api/models/{name}</c>: aliases, alias history and the versions, newest first.</summary>
internal sealed record ModelDetailsResponse(
    string Name,
    string PrimaryMetric,
    int? Champion,
    int? Challenger,
    int LatestVersion,
    int? ServingVersion,
    IReadOnlyList<AliasChange> History,
    IReadOnlyList<ModelVersionSummary> Versions);
