namespace Pipeline.ML.Registry;

/// <summary>A champion alias moved (promotion, gate decision, rollback).</summary>
internal sealed record ChampionChange(string ModelName, int Version, int? Previous, string Reason);
