using System.Globalization;
using Npgsql;
using NpgsqlTypes;

namespace Pipeline.Bench.Ingest;

/// <summary>What the ingest benches share: their argument parsing, medians, PostgreSQL backend CPU and the bare binary
/// COPY that is their store ceiling.</summary>
internal static class IngestBenchSupport
{
    public static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    public static int IntArg(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out var v) ? v : fallback;
    }

    public static string StringArg(string[] args, string name, string fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }

    /// <summary>utime + stime of a local process from /proc (clock ticks of 10 ms).</summary>
    public static double BackendCpuSeconds(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
    }

    /// <summary><paramref name="parallel"/> open writer connections and the pid of each one's PostgreSQL backend, whose CPU
    /// <see cref="BackendCpuSeconds"/> reads.</summary>
    public static async Task<(List<NpgsqlConnection> Connections, List<int> Backends)> OpenWritersAsync(NpgsqlDataSource dataSource, int parallel)
    {
        var connections = new List<NpgsqlConnection>();
        var backends = new List<int>();
        for (var w = 0; w < parallel; w++)
        {
            var conn = await dataSource.OpenConnectionAsync();
            await using var pid = new NpgsqlCommand("SELECT pg_backend_pid()", conn);
            backends.Add((int)(await pid.ExecuteScalarAsync())!);
            connections.Add(conn);
        }
        return (connections, backends);
    }

    /// <summary>Writer <paramref name="writer"/> of <paramref name="parallel"/>: binary COPY of its share of the rows into
    /// <c>bare_events (id, doc)</c>, <paramref name="batch"/> rows per COPY, batches dealt round-robin.</summary>
    public static async Task CopyBareEventsAsync(NpgsqlConnection connection, IReadOnlyList<(string Id, string Json)> rows, int writer, int parallel, int batch)
    {
        for (var i = writer * batch; i < rows.Count; i += batch * parallel)
        {
            await using var copy = await connection.BeginBinaryImportAsync("COPY bare_events (id, doc) FROM STDIN (FORMAT BINARY)");
            for (var j = i; j < Math.Min(i + batch, rows.Count); j++)
            {
                await copy.StartRowAsync();
                await copy.WriteAsync(rows[j].Id, NpgsqlDbType.Text);
                await copy.WriteAsync(rows[j].Json, NpgsqlDbType.Jsonb);
            }
            await copy.CompleteAsync();
        }
    }
}
