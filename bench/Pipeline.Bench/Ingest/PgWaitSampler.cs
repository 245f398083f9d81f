using System.Diagnostics;
using System.Globalization;
using System.Text;
using Npgsql;
using static Pipeline.Bench.Ingest.IngestBenchSupport;

namespace Pipeline.Bench.Ingest;

/// <summary>
/// Samples <c>pg_stat_activity</c> for the client backends of one database every <c>interval</c> (10 ms by default)
/// while a phase runs, and prints how the writers' backend-time splits: running (no wait event), waiting on
/// IO/LWLock/Lock (WALSync, WALWrite, DataFileRead, …), idle in a transaction (the client is between the statement and
/// the commit) or idle (between transactions: the client has not sent the next write). Also reads the backends' own CPU
/// (utime + stime from /proc) over the phase, so "busy" can be checked against what the kernel counted. The sampler's
/// own connection is on another database and is not counted; its queries cost the server a little CPU (about 0.1–0.3 ms
/// each), which the printed sample count lets one judge.
/// </summary>
internal sealed class PgWaitSampler : IAsyncDisposable
{
    private readonly NpgsqlConnection _connection;
    private readonly string _database;
    private readonly TimeSpan _interval;
    private readonly Dictionary<string, int> _histogram = new(StringComparer.Ordinal);
    private readonly Dictionary<int, double> _cpuAtStart = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Stopwatch _wall = new();
    private Task? _loop;
    private int _samples;
    private int _backendSamples;

    private PgWaitSampler(NpgsqlConnection connection, string database, TimeSpan interval)
    {
        _connection = connection;
        _database = database;
        _interval = interval;
    }

    /// <summary>Starts sampling the backends connected to <paramref name="database"/> over a connection to the
    /// <c>postgres</c> database.</summary>
    public static async Task<PgWaitSampler> StartAsync(string adminConnectionString, string database, TimeSpan? interval = null)
    {
        var builder = new NpgsqlConnectionStringBuilder(adminConnectionString) { Pooling = false, Database = "postgres" };
        var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync();
        var sampler = new PgWaitSampler(connection, database, interval ?? TimeSpan.FromMilliseconds(10));
        sampler._wall.Start();
        sampler._loop = Task.Run(sampler.LoopAsync);
        return sampler;
    }

    private async Task LoopAsync()
    {
        await using var cmd = new NpgsqlCommand(
            "SELECT pid, state, wait_event_type, wait_event FROM pg_stat_activity " +
            "WHERE datname = $1 AND backend_type = 'client backend' AND pid <> pg_backend_pid()", _connection);
        cmd.Parameters.Add(new NpgsqlParameter { Value = _database });
        await cmd.PrepareAsync();
        var next = Stopwatch.StartNew();
        var tick = 0L;
        while (!_stop.IsCancellationRequested)
        {
            await using (var reader = await cmd.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    var pid = reader.GetInt32(0);
                    var state = reader.IsDBNull(1) ? "?" : reader.GetString(1);
                    var waitType = reader.IsDBNull(2) ? null : reader.GetString(2);
                    var waitEvent = reader.IsDBNull(3) ? null : reader.GetString(3);
                    var label = waitType is null ? $"{state}: running (CPU)" : $"{state}: {waitType}:{waitEvent}";
                    _histogram[label] = _histogram.GetValueOrDefault(label) + 1;
                    _backendSamples++;
                    if (!_cpuAtStart.ContainsKey(pid)) _cpuAtStart[pid] = TryCpu(pid);
                }
            }
            _samples++;
            tick++;
            var sleep = _interval * tick - next.Elapsed;
            if (sleep > TimeSpan.Zero)
            {
                try { await Task.Delay(sleep, _stop.Token); } catch (OperationCanceledException) { break; }
            }
        }
    }

    private static double TryCpu(int pid)
    {
        try { return BackendCpuSeconds(pid); } catch (IOException) { return double.NaN; }
    }

    /// <summary>Stops sampling and prints the histogram (share of backend-samples per state and wait event) and the
    /// backends' CPU over the phase.</summary>
    public async Task<string> StopAsync(string phase)
    {
        await _stop.CancelAsync();
        if (_loop is not null) await _loop;
        _wall.Stop();
        var cpu = 0.0;
        foreach (var (pid, start) in _cpuAtStart)
        {
            var end = TryCpu(pid);
            if (!double.IsNaN(start) && !double.IsNaN(end)) cpu += end - start;
        }
        var wall = _wall.Elapsed.TotalSeconds;
        var perSample = _samples == 0 ? 0 : (double)_backendSamples / _samples;
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture,
            $"  pg waits, {phase}: {_samples:N0} samples over {wall:F1} s ({_samples / wall:F0}/s), {_cpuAtStart.Count} backend(s), {perSample:F2} per sample; ");
        text.Append(CultureInfo.InvariantCulture,
            $"backend CPU {cpu:F1} s = {cpu / wall:F2} cores ({cpu / wall / Math.Max(1, perSample) * 100:F0} % of the sampled backends' wall time)\n");
        foreach (var (label, count) in _histogram.OrderByDescending(kv => kv.Value))
        {
            text.Append(CultureInfo.InvariantCulture, $"    {count * 100.0 / Math.Max(1, _backendSamples),5:F1} %  {label}\n");
        }
        return text.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested) await _stop.CancelAsync();
        if (_loop is not null)
        {
            try { await _loop; } catch (NpgsqlException) { }
        }
        await _connection.DisposeAsync();
        _stop.Dispose();
    }
}
