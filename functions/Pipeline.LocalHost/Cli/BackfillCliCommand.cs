using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Options;
using Pipeline.Ingestion.Archive;

namespace Pipeline.LocalHost.Cli;

/// <summary>
/// <c>backfill &lt;file-or-url&gt;...</c> or <c>backfill --from 2024-01-01T00 --to 2024-01-01T05 [--base-url URL]</c>, with
/// <c>--repo</c>, <c>--org</c>, <c>--type</c> filters: imports GH Archive hourly files in this process (no orchestration) into
/// topic github.events, drawing a progress bar on stderr and printing a summary on stdout. The consumer of a running pipeline
/// stores the events. The server's allow-lists (Backfill:AllowedRoots/AllowedHosts) do not apply: the CLI reads what its user can.
/// </summary>
internal static class BackfillCliCommand
{
    public static Command Create(CliContext context)
    {
        var files = new Argument<string[]>("files")
        {
            Description = "GH Archive hourly files (YYYY-MM-DD-H.json.gz or plain JSON lines): local paths or http(s) URLs.",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var from = new Option<string?>("--from") { Description = "First hour of a range, UTC (yyyy-MM-ddTHH), instead of files.", HelpName = "hour" };
        var to = new Option<string?>("--to") { Description = "Last hour of the range, inclusive (yyyy-MM-ddTHH).", HelpName = "hour" };
        var baseUrl = new Option<string?>("--base-url") { Description = "Where range files are fetched (default Backfill:BaseUrl, https://data.gharchive.org/).", HelpName = "url" };
        var repos = new Option<string[]>("--repo") { Description = "Keep only this repository (owner/name); repeatable.", AllowMultipleArgumentsPerToken = true, HelpName = "owner/name" };
        var orgs = new Option<string[]>("--org") { Description = "Keep only repositories of this owner; repeatable.", AllowMultipleArgumentsPerToken = true, HelpName = "owner" };
        var types = new Option<string[]>("--type") { Description = "Keep only this event type (issues, pull_request or IssuesEvent, ...); repeatable.", AllowMultipleArgumentsPerToken = true, HelpName = "type" };
        var command = new Command("backfill", "Import GH Archive hourly files into topic github.events (exit 0 done, 1 a file failed or publishing failed, 2 usage).")
        {
            files, from, to, baseUrl, repos, orgs, types,
        };
        command.SetAction((parse, ct) =>
        {
            var list = parse.GetValue(files) ?? [];
            var request = new BackfillRequest(list.Length > 0 ? list : null, parse.GetValue(from), parse.GetValue(to), parse.GetValue(baseUrl))
            {
                Repos = parse.GetValue(repos) is { Length: > 0 } r ? r : null,
                Orgs = parse.GetValue(orgs) is { Length: > 0 } o ? o : null,
                Types = parse.GetValue(types) is { Length: > 0 } t ? t : null,
            };
            return RunAsync(request, context, ct);
        });
        return command;
    }

    public static async Task<int> RunAsync(BackfillRequest request, CliContext context, CancellationToken ct)
    {
        ServiceProvider? owned = null;
        var services = context.Services;
        if (services is null)
        {
            owned = await CliServices.BuildAsync(context);
            if (owned is null) return ExitCodes.Usage;
            services = owned;
        }
        try
        {
            var options = services.GetRequiredService<IOptions<BackfillOptions>>().Value;
            var (sources, errors) = request.Resolve(options);
            if (errors.Count > 0)
            {
                foreach (var e in errors) await context.Err.WriteLineAsync("error: " + e);
                await context.Err.WriteLineAsync("Run 'backfill --help' for usage.");
                return ExitCodes.Usage;
            }
            var bar = new ConsoleProgressBar(context.Err, context.Interactive);
            var progress = new SynchronousProgress(p => bar.Update(p.FilesDone, p.FilesTotal, Line(p), force: p.CurrentFile is null));
            try
            {
                var result = await services.GetRequiredService<BackfillService>().ImportAsync(sources, request.Filter, null, progress, ct);
                bar.Complete();
                await context.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"backfill done: {result.Events:N0} events from {result.Files} file(s), {result.Skipped:N0} skipped by the filter, {result.Lines:N0} lines, {result.Errors:N0} bad lines, {result.Bytes / 1048576.0:F1} MiB in {result.Elapsed.TotalSeconds:F1} s ({result.EventsPerSecond:N0} events/s)"));
                foreach (var sample in result.ErrorSamples) await context.Out.WriteLineAsync("  " + sample);
                foreach (var failed in result.PerFile.Where(f => f.Failure is not null)) await context.Err.WriteLineAsync($"error: {failed.Source} failed: {failed.Failure}");
                return result.FailedFiles > 0 ? ExitCodes.Failure : ExitCodes.Ok;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                bar.Complete();
                await context.Err.WriteLineAsync("error: backfill failed: " + ex.Message);
                return ExitCodes.Failure;
            }
        }
        finally
        {
            if (owned is not null) await owned.DisposeAsync();
        }
    }

    public static string Line(BackfillProgress p)
    {
        var eta = p.FilesDone > 0 && p.FilesDone < p.FilesTotal ? ConsoleProgressBar.Duration(p.Elapsed.TotalSeconds / p.FilesDone * (p.FilesTotal - p.FilesDone)) : "-";
        return string.Create(CultureInfo.InvariantCulture,
            $"{p.FilesDone}/{p.FilesTotal} files, {p.Events:N0} kept, {p.Skipped:N0} skipped, {p.Errors:N0} bad, {p.Bytes / 1048576.0:F1} MiB, {p.EventsPerSecond:N0} events/s, ETA {eta}");
    }

    /// <summary>Reports on the caller's thread (Progress&lt;T&gt; would post to a thread pool and could print after the summary).</summary>
    private sealed class SynchronousProgress(Action<BackfillProgress> report) : IProgress<BackfillProgress>
    {
        public void Report(BackfillProgress value) => report(value);
    }
}
