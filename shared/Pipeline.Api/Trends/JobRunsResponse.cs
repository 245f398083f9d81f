using System.Text.Json.Nodes;

namespace Pipeline.Api.Trends;

/// <summary>The answer of <c>GET /api/jobs/runs</c>: the latest aggregation run documents, newest first.</summary>
internal sealed record JobRunsResponse(IReadOnlyList<JsonObject> Runs);
