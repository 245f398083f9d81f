using System.Text.Json.Serialization;

namespace Pipeline.Analytics.Trends;

/// <summary>One point of a series. <see cref="Index"/> is the position from the window start (weeks or months), the
/// same for every year, so series of different years overlay; <see cref="Label"/> is what the axis shows.
/// <see cref="Status"/>: null for a complete period, <c>partial</c> for the period in progress today (its value is so
/// far, not a drop), <c>future</c> for a period that has not started (no data can exist yet).</summary>
internal sealed record TrendPoint(
    int Index,
    string Label,
    string Period,
    double Value,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyDictionary<string, double>? Values = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Status = null);
