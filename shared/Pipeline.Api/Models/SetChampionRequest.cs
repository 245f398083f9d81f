namespace Pipeline.Api.Models;

/// <summary>Body of <c>POST /api/models/{name}/aliases/champion</c>.</summary>
internal sealed class SetChampionRequest
{
    public int? Version { get; set; }

    public string? Reason { get; set; }
}
