using Pipeline.Analytics.Jobs;

namespace Pipeline.Analytics.Planning;

/// <summary>
/// What one job must read and write in an incremental run. Events are immutable and bucketed by the day of
/// <c>created_at</c>, so a new event can only change the periods holding its day (and, for jobs comparing with a
/// year earlier, the same period one year later). The job recomputes those periods from complete input days and
/// only rows of those periods are written back.
/// </summary>
internal sealed record JobPlan(TrendsJob Job, IReadOnlySet<DateOnly> Periods, IReadOnlySet<DateOnly> InputDays)
{
    public static JobPlan For(TrendsJob job, IEnumerable<DateOnly> touchedDays)
    {
        var touched = touchedDays.ToHashSet();
        if (job.Period == PeriodKind.None)
        {
            return new JobPlan(job, new HashSet<DateOnly>(), touched);
        }
        var periods = new HashSet<DateOnly>();
        foreach (var day in touched)
        {
            var start = Planning.Periods.Start(job.Period, day);
            periods.Add(start);
            for (var y = 1; y <= job.LookbackYears; y++)
            {
                periods.Add(Planning.Periods.Start(job.Period, start.AddYears(y)));
            }
        }
        var input = new HashSet<DateOnly>();
        if (job.FullHistory && periods.Count > 0)
        {
            // Measures over everything before (a first comment, a first contribution): every day up to the last period's end.
            var end = periods.Max(p => Planning.Periods.End(job.Period, p));
            input.UnionWith(Planning.Periods.Days(TrendsJob.HistoryStart, end));
            return new JobPlan(job, periods, input);
        }
        foreach (var start in periods)
        {
            for (var y = 0; y <= job.LookbackYears; y++)
            {
                var s = Planning.Periods.Start(job.Period, start.AddYears(-y));
                input.UnionWith(Planning.Periods.Days(s, Planning.Periods.End(job.Period, s)));
            }
        }
        return new JobPlan(job, periods, input);
    }

    /// <summary>Whether a result row's period value belongs to this run (always true for period none).</summary>
    public bool Covers(DateOnly periodValue) => Job.Period == PeriodKind.None || Periods.Contains(periodValue);
}
