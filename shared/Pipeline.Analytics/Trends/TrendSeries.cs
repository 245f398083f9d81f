namespace Pipeline.Analytics.Trends;

/// <summary>A series: one year's window (<see cref="YearsBack"/> = 0 is the requested window) of one name.</summary>
internal sealed record TrendSeries(string Name, int Year, int YearsBack, string From, string To, double Total, IReadOnlyList<TrendPoint> Points);
