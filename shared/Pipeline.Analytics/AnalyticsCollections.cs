using Pipeline.Domain;
using Pipeline.Storage;

namespace Pipeline.Analytics;

/// <summary>The collections the trends jobs write (one per job output) and the run log, with the indexes serving needs.</summary>
internal static class AnalyticsCollections
{
    public const string Activity = "trends_activity";
    public const string ActivityWeekly = "trends_activity_weekly";
    public const string RepoWeekly = "trends_repo_weekly";
    public const string Languages = "trends_languages";
    public const string TimeToClose = "trends_time_to_close";
    public const string TopGrowing = "trends_top_growing";
    public const string Contributors = "trends_contributors";
    public const string Repositories = "trends_repositories";
    public const string FirstResponse = "trends_first_response";
    /// <summary>The results table of the trends routes: serialised responses by generation, day and query (see TrendsQueryService).</summary>
    public const string TrendResponses = "trends_responses";

    public static IReadOnlyList<CollectionDefinition> Definitions { get; } =
    [
        new(Activity, new IndexDefinition("ix_activity_day", ["event_day"])),
        new(ActivityWeekly, new IndexDefinition("ix_activity_weekly_week", ["week_start"])),
        new(RepoWeekly, new IndexDefinition("ix_repo_weekly_week", ["week_start"]), new IndexDefinition("ix_repo_weekly_repo", ["repo", "week_start"]),
            new IndexDefinition("ix_repo_weekly_language", ["language", "week_start"])),
        new(Languages, new IndexDefinition("ix_languages_month", ["month_start"])),
        new(TimeToClose, new IndexDefinition("ix_ttc", ["scope", "name", "kind", "month_start"])),
        new(TopGrowing, new IndexDefinition("ix_top_growing_month", ["month_start"]), new IndexDefinition("ix_top_growing_rank", ["star_delta_rank", "month_start"]),
            new IndexDefinition("ix_top_growing_repo", ["repo", "month_start"]), new IndexDefinition("ix_top_growing_language", ["language", "month_start"])),
        new(Contributors, new IndexDefinition("ix_contributors", ["scope", "name", "month_start"])),
        new(Repositories),
        new(FirstResponse, new IndexDefinition("ix_first_response", ["scope", "name", "month_start"])),
        new(TrendResponses, new IndexDefinition("ix_trend_responses_generation", ["generation"])),
        new(Collections.JobRuns, new IndexDefinition("ix_job_runs_started", ["started_at"]), new IndexDefinition("ix_job_runs_status", ["kind", "status", "finished_at"])),
    ];
}
