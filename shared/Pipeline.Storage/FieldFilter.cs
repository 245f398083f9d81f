using System.Text.Json.Nodes;

namespace Pipeline.Storage;

/// <summary>
/// A filter on a dotted field path. Values are JSON scalars (string, number, bool) or, for <see cref="FilterOp.In"/>, an array.
/// Timestamps are stored as ISO-8601 UTC strings (<c>yyyy-MM-ddTHH:mm:ss.fffZ</c>), so they compare correctly as strings.
/// </summary>
public sealed record FieldFilter(string Path, FilterOp Op, JsonNode? Value);
