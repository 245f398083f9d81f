namespace Pipeline.Domain.Normalization;

/// <summary>A GitHub event or resource lacks what normalisation needs (an id, a type, a timestamp).</summary>
public sealed class MalformedGitHubEventException(string message) : FormatException(message);
