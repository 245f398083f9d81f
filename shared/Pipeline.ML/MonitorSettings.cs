namespace Pipeline.ML;

public sealed class MonitorSettings
{
    /// <summary>NCRONTAB of the monitor timer (Functions) and the local scheduler.</summary>
    public string Schedule { get; set; } = "0 */30 * * * *";
    /// <summary>NCRONTAB of the scheduled retraining.</summary>
    public string RetrainSchedule { get; set; } = "0 0 3 * * 0";
    /// <summary>Rolling window of joined predictions for live metrics.</summary>
    public int LiveWindow { get; set; } = 200;
    public int MinLiveSamples { get; set; } = 30;
    /// <summary>Retrain when live accuracy of the labeler falls below this.</summary>
    public double MinLiveLabelerAccuracy { get; set; } = 0.5;
    /// <summary>Retrain when live accuracy of the closes-within-7-days decision falls below this.</summary>
    public double MinLiveTimeToCloseAccuracy { get; set; } = 0.6;
    /// <summary>No second automatic retrain of a model within this many minutes.</summary>
    public int RetrainCooldownMinutes { get; set; } = 360;
    /// <summary>Alert webhook (e.g. a chat incoming webhook); empty disables the POST, alerts are still logged.</summary>
    public string? AlertWebhookUrl { get; set; }
}
