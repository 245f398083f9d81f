namespace Pipeline.ML.Data;

/// <summary>A document that does not satisfy the issue schema the models need; the message names every failing field.</summary>
internal sealed class IssueSchemaException(string id, IReadOnlyList<string> errors)
    : Exception($"Issue document '{id}' fails the schema: {string.Join("; ", errors)}")
{
    public string DocumentId { get; } = id;
    public IReadOnlyList<string> Errors { get; } = errors;
}
