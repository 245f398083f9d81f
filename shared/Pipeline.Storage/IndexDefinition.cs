namespace Pipeline.Storage;

/// <summary>An index over one or more dotted field paths; <paramref name="Unique"/> enforces uniqueness.</summary>
public sealed record IndexDefinition(string Name, IReadOnlyList<string> Fields, bool Unique = false)
{
    /// <summary>Leave documents without the (first) field out of the index: smaller and cheaper to maintain for fields most
    /// documents lack (a partial index in PostgreSQL; MongoDB indexes them anyway, where a missing field costs little).</summary>
    public bool Sparse { get; init; }
}
