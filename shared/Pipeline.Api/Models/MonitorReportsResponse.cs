using Pipeline.ML.Monitoring;

namespace Pipeline.Api.Models;

/// <summary>The answer of <c>GET /api/models/{name}/monitor</c>: the newest monitoring reports.</summary>
internal sealed record MonitorReportsResponse(string Model, IReadOnlyList<MonitorReport> Reports);
