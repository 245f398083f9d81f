namespace Pipeline.Storage;

/// <summary>A collection and the indexes it needs.</summary>
public sealed record CollectionDefinition(string Name, IReadOnlyList<IndexDefinition> Indexes)
{
    public CollectionDefinition(string name, params IndexDefinition[] indexes) : this(name, (IReadOnlyList<IndexDefinition>)indexes) { }
}
