using System.Text.Json.Serialization;

namespace Pipeline.Analytics.Trends;

internal sealed record TrendResponse(
    string Metric,
    string Granularity,
    string From,
    string To,
    int CompareYears,
    IReadOnlyDictionary<string, string?> Filters,
    IReadOnlyList<TrendSeries> Series,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<GrowingRepository>? Items = null);
