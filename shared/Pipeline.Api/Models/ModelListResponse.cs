namespace Pipeline.Api.Models;

/// <summary>The answer of <c>GET /api/models</c>.</summary>
internal sealed record ModelListResponse(IReadOnlyList<ModelSummary> Models);
