namespace Pipeline.Storage;

/// <summary>Filters (all must match), an optional sort, skip and limit.</summary>
public sealed record DocumentQuery
{
    public IReadOnlyList<FieldFilter> Filters { get; init; } = [];
    public string? SortBy { get; init; }
    public bool Descending { get; init; }
    public int? Limit { get; init; }
    public int Skip { get; init; }

    /// <summary>Top-level fields to return (plus <c>_id</c>, always); null returns whole documents. Saves transfer when
    /// only ids or a few fields are needed.</summary>
    public IReadOnlyList<string>? Fields { get; init; }

    public static DocumentQuery All { get; } = new();

    public static DocumentQuery Where(params FieldFilter[] filters) => new() { Filters = filters };

    public DocumentQuery OrderBy(string path, bool descending = false) => this with { SortBy = path, Descending = descending };

    public DocumentQuery Take(int limit) => this with { Limit = limit };

    public DocumentQuery Select(params string[] fields) => this with { Fields = fields };
}
