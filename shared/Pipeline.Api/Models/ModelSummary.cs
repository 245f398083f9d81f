using Pipeline.ML.Registry;

namespace Pipeline.Api.Models;

/// <summary>One model in <c>GET /api/models</c>: its aliases, the version serving in this process and the champion's metrics.</summary>
internal sealed record ModelSummary(
    string Name,
    string PrimaryMetric,
    int? Champion,
    int? Challenger,
    int LatestVersion,
    int? ServingVersion,
    Dictionary<string, double>? ChampionTestMetrics,
    string? ChampionTrainer,
    DateTime? ChampionCreatedAt,
    DatasetInfo? ChampionDataset);
