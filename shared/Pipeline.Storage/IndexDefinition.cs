namespace Pipeline.Storage;

/// <summary>An index over one or more dotted field paths; <paramref name="Unique"/> enforces uniqueness.</summary>
public sealed record IndexDefinition(string Name, IReadOnlyList<string> Fields, bool Unique = false)
{
    /// <summary>Leave documents without the (first) field out of the index: smaller and cheaper to maintain for fields most
    /// documents lack (a partial index in PostgreSQL; MongoDB indexes them anyway, where a missing field costs little).</summary>
    public bool Sparse { get; init; }

    /// <summary>The (single) field holds strings: PostgreSQL indexes its text under binary collation
    /// (<c>(doc-&gt;&gt;'f') COLLATE "C"</c>), about half the insert cost of a jsonb expression index, and the store's queries
    /// compare string values on it as text (still only against strings: a number never matches). Sorting on such a field
    /// orders by the text (binary, like MongoDB's default); JSON null sorts with missing. MongoDB ignores the flag.</summary>
    public bool Text { get; init; }
}
