namespace Pipeline.Storage;

/// <summary>An index over one or more dotted field paths; <paramref name="Unique"/> enforces uniqueness.</summary>
public sealed record IndexDefinition(string Name, IReadOnlyList<string> Fields, bool Unique = false)
{
    /// <summary>Leave documents without the (first) field out of the index: smaller and cheaper to maintain for fields most
    /// documents lack (a partial index in PostgreSQL; MongoDB indexes them anyway, where a missing field costs little).</summary>
    public bool Sparse { get; init; }

    /// <summary>Like <see cref="Sparse"/>, for another field than the first: leave documents without this field out (in
    /// PostgreSQL a partial index, used by a query that filters this field with <c>Exists</c> or a strict operator;
    /// MongoDB indexes them anyway). For an index of documents that gain the field later, so that their first insert
    /// costs this index nothing.</summary>
    public string? SparseOn { get; init; }

    /// <summary>The field whose absence leaves a document out of the index, or null for a full index.</summary>
    public string? SparseField => SparseOn ?? (Sparse ? Fields[0] : null);

    /// <summary>The (single) field holds strings: PostgreSQL indexes its text under binary collation
    /// (<c>(doc-&gt;&gt;'f') COLLATE "C"</c>), about half the insert cost of a jsonb expression index, and the store's queries
    /// compare string values on it as text (still only against strings: a number never matches). Sorting on such a field
    /// orders by the text (binary, like MongoDB's default); JSON null sorts with missing. MongoDB ignores the flag.</summary>
    public bool Text { get; init; }
}
