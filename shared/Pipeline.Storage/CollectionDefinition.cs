namespace Pipeline.Storage;

/// <summary>A collection and the indexes it needs.</summary>
public sealed record CollectionDefinition(string Name, IReadOnlyList<IndexDefinition> Indexes)
{
    public CollectionDefinition(string name, params IndexDefinition[] indexes) : this(name, (IReadOnlyList<IndexDefinition>)indexes) { }

    /// <summary>Names of indexes earlier versions created and this one no longer needs: the PostgreSQL store drops them
    /// when it ensures the collection (idempotent), so existing data directories stop paying for them on every write.</summary>
    public IReadOnlyList<string> RetiredIndexes { get; init; } = [];
}
