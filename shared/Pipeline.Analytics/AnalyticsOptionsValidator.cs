using Microsoft.Extensions.Options;

namespace Pipeline.Analytics;

internal sealed class AnalyticsOptionsValidator : IValidateOptions<AnalyticsOptions>
{
    public ValidateOptionsResult Validate(string? name, AnalyticsOptions o)
    {
        var errors = new List<string>();
        if (o.Engine is not (AnalyticsOptions.DuckDbEngine or AnalyticsOptions.SparkEngine))
            errors.Add($"Analytics:Engine must be '{AnalyticsOptions.DuckDbEngine}' or '{AnalyticsOptions.SparkEngine}' (was '{o.Engine}')");
        if (string.IsNullOrWhiteSpace(o.Schedule) || !Pipeline.Domain.Scheduling.TimerSchedule.TryParse(o.Schedule, out _))
            errors.Add($"Analytics:Schedule is required and must be an NCRONTAB expression or a TimeSpan hh:mm:ss (was '{o.Schedule}')");
        if (o.MaxParallelJobs < 1) errors.Add("Analytics:MaxParallelJobs must be at least 1");
        if (o.JobMaxAttempts < 1) errors.Add("Analytics:JobMaxAttempts must be at least 1");
        if (string.IsNullOrWhiteSpace(o.SnapshotContainer)) errors.Add("Analytics:SnapshotContainer is required");
        if (o.Engine == AnalyticsOptions.SparkEngine)
        {
            if (string.IsNullOrWhiteSpace(o.Spark.Namespace)) errors.Add("Analytics:Spark:Namespace is required");
            if (string.IsNullOrWhiteSpace(o.Spark.Image)) errors.Add("Analytics:Spark:Image is required");
            if (string.IsNullOrWhiteSpace(o.Spark.ServiceAccount)) errors.Add("Analytics:Spark:ServiceAccount is required");
            if (string.IsNullOrWhiteSpace(o.Spark.StorageUri)) errors.Add("Analytics:Spark:StorageUri is required when Analytics:Engine is spark-k8s");
            if (o.Spark.PollInterval <= TimeSpan.Zero) errors.Add("Analytics:Spark:PollInterval must be positive");
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
