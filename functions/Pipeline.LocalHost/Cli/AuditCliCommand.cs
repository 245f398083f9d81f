using System.CommandLine;
using System.Diagnostics;
using Pipeline.Audit;
using Pipeline.Audit.Cli;

namespace Pipeline.LocalHost.Cli;

/// <summary><c>audit &lt;path|owner/name&gt;</c>: the ML Test Score and repository analytics of a git repository, written as
/// JSON, Markdown and charts; an activity indicator with the elapsed time runs on stderr while it works.</summary>
internal static class AuditCliCommand
{
    public static Command Create(CliContext context)
    {
        var target = new Argument<string>("target") { Description = "A local git repository (path) or a GitHub repository (owner/name, cloned from Audit:CloneBaseUrl)." };
        var since = new Option<string?>("--since") { Description = "Only commits on or after this day (yyyy-mm-dd).", HelpName = "day" };
        var outDir = new Option<string?>("--out") { Description = "Folder for audit.json, audit.md and charts/ (default ./audit-report).", HelpName = "dir" };
        var top = new Option<int?>("--top") { Description = "Files listed per month (default Audit:DefaultTopN).", HelpName = "N" };
        var file = new Option<string?>("--file") { Description = "Also report the history of this repository-relative file.", HelpName = "path" };
        var json = new Option<string?>("--json") { Description = "Write the JSON report here instead of <out>/audit.json.", HelpName = "file" };
        var markdown = new Option<string?>("--markdown") { Description = "Write the Markdown report here instead of <out>/audit.md.", HelpName = "file" };
        var command = new Command("audit", "Audit a repository: ML Test Score, tools, CI runs, churn (exit 0 done, 1 source unavailable, 2 usage).")
        {
            target, since, outDir, top, file, json, markdown,
        };
        command.SetAction(async (parse, ct) =>
        {
            var args = new List<string> { parse.GetValue(target)! };
            void Add(string name, string? value)
            {
                if (value is null) return;
                args.Add(name);
                args.Add(value);
            }
            Add("--since", parse.GetValue(since));
            Add("--out", parse.GetValue(outDir));
            Add("--top", parse.GetValue(top)?.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Add("--file", parse.GetValue(file));
            Add("--json", parse.GetValue(json));
            Add("--markdown", parse.GetValue(markdown));
            var options = context.Configuration.GetSection(AuditOptions.SectionName).Get<AuditOptions>() ?? new AuditOptions();

            var bar = new ConsoleProgressBar(context.Err, context.Interactive);
            var clock = Stopwatch.StartNew();
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var ticker = Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    bar.Update(0, null, $"auditing {args[0]}, {ConsoleProgressBar.Duration(clock.Elapsed.TotalSeconds)} elapsed");
                    try { await Task.Delay(200, stop.Token); } catch (OperationCanceledException) { break; }
                }
            }, CancellationToken.None);
            int exit;
            try
            {
                exit = await AuditCommand.RunAsync([.. args], options, context.Out, new ProgressSafeWriter(context.Err, bar), ct);
            }
            finally
            {
                await stop.CancelAsync();
                await ticker;
                bar.Complete();
            }
            return exit;
        });
        return command;
    }

    /// <summary>Ends the progress line before an error message is written, so messages never share a line with the bar.</summary>
    private sealed class ProgressSafeWriter(TextWriter inner, ConsoleProgressBar bar) : TextWriter
    {
        public override System.Text.Encoding Encoding => inner.Encoding;

        public override void Write(char value) => inner.Write(value);

        public override Task WriteLineAsync(string? value)
        {
            bar.Complete();
            return inner.WriteLineAsync(value);
        }
    }
}
