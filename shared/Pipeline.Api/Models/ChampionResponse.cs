using Pipeline.ML.Registry;

namespace Pipeline.Api.Models;

/// <summary>The answer of <c>POST /api/models/{name}/aliases/champion</c>: the aliases after the promotion.</summary>
internal sealed record ChampionResponse(string Name, int? Champion, int? Challenger, int? ServingVersion, IReadOnlyList<AliasChange> History);
