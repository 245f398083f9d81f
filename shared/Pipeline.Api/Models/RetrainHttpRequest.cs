namespace Pipeline.Api.Models;

/// <summary>Optional body of <c>POST /api/models/{name}/retrain</c>.</summary>
internal sealed class RetrainHttpRequest
{
    public string? Reason { get; set; }
}
