using System.CommandLine;
using System.Globalization;
using Pipeline.Ingestion.Kafka;

namespace Pipeline.LocalHost.Cli;

/// <summary><c>dlq replay</c>: sends the dead-letter topic's messages back to github.events (after the cause is fixed).</summary>
internal static class DlqCliCommand
{
    public static Command Create(CliContext context)
    {
        var max = new Option<long?>("--max") { Description = "Replay at most this many messages (default: all that are waiting).", HelpName = "N" };
        var group = new Option<string>("--group")
        {
            Description = "Consumer group whose committed offsets remember what was replayed.",
            DefaultValueFactory = _ => DeadLetterReplayer.DefaultGroup,
            HelpName = "name",
        };
        var replay = new Command("replay", "Replay github.events.dlq into github.events; offsets are committed after each acknowledged message, so a second run sends only what arrived since (exit 0 done, 1 failure, 2 usage).")
        {
            max, group,
        };
        replay.SetAction(async (parse, ct) =>
        {
            if (parse.GetValue(max) is < 1)
            {
                await context.Err.WriteLineAsync("error: --max must be at least 1");
                return ExitCodes.Usage;
            }
            ServiceProvider? owned = null;
            var services = context.Services;
            if (services is null)
            {
                owned = await CliServices.BuildAsync(context);
                if (owned is null) return ExitCodes.Usage;
                services = owned;
            }
            var bar = new ConsoleProgressBar(context.Err, context.Interactive);
            try
            {
                var progress = new SynchronousProgress(p => bar.Update(p.Replayed, p.Total, string.Create(CultureInfo.InvariantCulture, $"{p.Replayed:N0}/{p.Total:N0} dead letters replayed")));
                var result = await services.GetRequiredService<DeadLetterReplayer>().ReplayAsync(parse.GetValue(group)!, parse.GetValue(max) ?? long.MaxValue, progress, ct);
                bar.Complete();
                await context.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"dlq replay done: {result.Replayed:N0} message(s) from {result.Partitions} partition(s) in {result.Elapsed.TotalSeconds:F1} s"));
                return ExitCodes.Ok;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                bar.Complete();
                await context.Err.WriteLineAsync("error: dlq replay failed: " + ex.Message);
                return ExitCodes.Failure;
            }
            finally
            {
                if (owned is not null) await owned.DisposeAsync();
            }
        });
        return new Command("dlq", "Dead-letter topic operations.") { replay };
    }

    private sealed class SynchronousProgress(Action<DeadLetterReplayProgress> report) : IProgress<DeadLetterReplayProgress>
    {
        public void Report(DeadLetterReplayProgress value) => report(value);
    }
}
