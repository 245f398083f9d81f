using Pipeline.ML.Training;

namespace Pipeline.Api.Models;

/// <summary>The answer of <c>GET /api/models/{name}/runs</c>.</summary>
internal sealed record ModelRunsResponse(string Model, int Count, IReadOnlyList<TrainingRun> Runs);
