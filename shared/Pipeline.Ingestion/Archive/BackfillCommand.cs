using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Pipeline.Ingestion.Archive;

/// <summary>
/// The <c>backfill</c> command line: <c>backfill &lt;file-or-url&gt;...</c> or <c>backfill --from 2024-01-01T00 --to 2024-01-01T05
/// [--base-url URL]</c>. Imports in process (no orchestration), printing progress about once a second and a summary.
/// Exit codes: 0 done (bad lines are counted and reported, not fatal), 1 a file could not be read or publishing failed,
/// 2 usage error.
/// </summary>
public static class BackfillCommand
{
    public const string Usage = """
        usage: backfill <file-or-url> [<file-or-url> ...]
               backfill --from yyyy-MM-ddTHH --to yyyy-MM-ddTHH [--base-url URL]
        Imports GH Archive hourly files (YYYY-MM-DD-H.json.gz, local path or http(s) URL) into topic github.events.
        """;

    public static async Task<int> RunAsync(string[] args, IServiceProvider services, TextWriter? output = null, CancellationToken ct = default)
    {
        var @out = output ?? Console.Out;
        var files = new List<string>();
        string? from = null, to = null, baseUrl = null;
        for (var i = 0; i < args.Length; i++)
        {
            var a = args[i];
            string? Value() => i + 1 < args.Length ? args[++i] : null;
            switch (a)
            {
                case "backfill" when i == 0:
                    break;
                case "-h" or "--help":
                    await @out.WriteLineAsync(Usage);
                    return 0;
                case "--from":
                    from = Value();
                    break;
                case "--to":
                    to = Value();
                    break;
                case "--base-url":
                    baseUrl = Value();
                    break;
                default:
                    if (a.StartsWith("--", StringComparison.Ordinal))
                    {
                        await @out.WriteLineAsync($"unknown option {a}\n{Usage}");
                        return 2;
                    }
                    files.Add(a);
                    break;
            }
        }

        var options = services.GetRequiredService<IOptions<BackfillOptions>>().Value;
        var request = files.Count > 0 ? new BackfillRequest(files) : new BackfillRequest(null, from, to, baseUrl);
        if (files.Count > 0 && (from ?? to ?? baseUrl) is not null) request = request with { From = from, To = to };
        var (sources, errors) = request.Resolve(options);
        if (errors.Count > 0)
        {
            foreach (var e in errors) await @out.WriteLineAsync("error: " + e);
            await @out.WriteLineAsync(Usage);
            return 2;
        }

        var service = services.GetRequiredService<BackfillService>();
        var lastPrint = DateTime.MinValue;
        var progress = new SynchronousProgress(p =>
        {
            if (DateTime.UtcNow - lastPrint < TimeSpan.FromSeconds(1)) return;
            lastPrint = DateTime.UtcNow;
            @out.WriteLine(Line(p));
        });
        try
        {
            var result = await service.ImportAsync(sources, progress, ct);
            await @out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"backfill done: {result.Events:N0} events from {result.Files} file(s), {result.Lines:N0} lines, {result.Errors:N0} bad lines, {result.Bytes / 1048576.0:F1} MiB in {result.Elapsed.TotalSeconds:F1} s ({result.EventsPerSecond:N0} events/s)"));
            foreach (var sample in result.ErrorSamples) await @out.WriteLineAsync("  " + sample);
            return result.FailedFiles > 0 ? 1 : 0;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            await @out.WriteLineAsync("backfill failed: " + ex.Message);
            return 1;
        }
    }

    public static string Line(BackfillProgress p) => string.Create(CultureInfo.InvariantCulture,
        $"[{p.FilesDone}/{p.FilesTotal}] {p.Events:N0} events, {p.Lines:N0} lines, {p.Errors:N0} bad, {p.Bytes / 1048576.0:F1} MiB, {p.EventsPerSecond:N0} events/s {(p.CurrentFile is null ? "" : "- " + p.CurrentFile)}");

    /// <summary>Reports on the caller's thread (Progress&lt;T&gt; would post to a thread pool and could print after the summary).</summary>
    private sealed class SynchronousProgress(Action<BackfillProgress> report) : IProgress<BackfillProgress>
    {
        public void Report(BackfillProgress value) => report(value);
    }
}
