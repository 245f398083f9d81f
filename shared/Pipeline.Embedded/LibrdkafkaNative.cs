using System.Reflection;
using System.Runtime.InteropServices;

namespace Pipeline.Embedded;

/// <summary>
/// Loads the one native librdkafka that both our mock-cluster P/Invoke and Confluent.Kafka use.
/// Why: the plain <c>librdkafka.so</c> in librdkafka.redist needs <c>libsasl2.so.3</c> (absent on Debian), and Confluent.Kafka
/// then silently falls back to whatever system librdkafka exists; the <c>centos8-librdkafka.so</c> build links only libc
/// and exports the mock API. Two different copies in one process would also mean two different mock cluster registries,
/// so the mock and the clients must share the very same file: we resolve it once and hand the same path to
/// <see cref="NativeLibrary.SetDllImportResolver"/> (our P/Invoke) and <c>Confluent.Kafka.Library.Load</c> (the clients).
/// </summary>
internal static class LibrdkafkaNative
{
    /// <summary>Environment variable that overrides where the native library is looked for.</summary>
    public const string PathVariable = "PIPELINE_LIBRDKAFKA_PATH";

    internal const string LibraryName = "pipeline-librdkafka";

    private static readonly Lock Gate = new();
    private static string? _loadedPath;
    private static IntPtr _handle;

    /// <summary>The full path of the loaded library (after <see cref="EnsureLoaded"/>).</summary>
    public static string LoadedPath => EnsureLoaded();

    /// <summary>Resolves, loads and registers the library for both users. Idempotent and thread-safe.</summary>
    public static string EnsureLoaded()
    {
        lock (Gate)
        {
            if (_loadedPath is not null) return _loadedPath;
            var path = Locate();
            _handle = NativeLibrary.Load(path);
            NativeLibrary.SetDllImportResolver(typeof(LibrdkafkaNative).Assembly, Resolve);
            if (!Confluent.Kafka.Library.IsLoaded)
            {
                // Confluent's Library.Load(path) dlopens through [DllImport("libdl")], and glibc ≥ 2.34 ships only
                // libdl.so.2 (no unversioned libdl.so), so it fails before reaching our file. Resolve its native names
                // ourselves: libdl → libdl.so.2 (or libc), librdkafka → the handle we already loaded.
                TryRegisterConfluentResolver();
                Confluent.Kafka.Library.Load(path);
            }
            _loadedPath = path;
            return path;
        }
    }

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath) =>
        name == LibraryName ? _handle : IntPtr.Zero;

    private static void TryRegisterConfluentResolver()
    {
        try
        {
            NativeLibrary.SetDllImportResolver(typeof(Confluent.Kafka.Library).Assembly, ResolveForConfluent);
        }
        catch (InvalidOperationException)
        {
            // Another component (e.g. Pipeline.Ingestion's loader) registered it already; that one does the same mapping.
        }
    }

    private static IntPtr ResolveForConfluent(string name, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (name == "libdl" && OperatingSystem.IsLinux())
        {
            foreach (var candidate in new[] { "libdl.so.2", "libc.so.6" })
            {
                if (NativeLibrary.TryLoad(candidate, out var h)) return h;
            }
        }
        if (name.Contains("librdkafka", StringComparison.Ordinal)) return _handle;
        return IntPtr.Zero;
    }

    /// <summary>Candidate paths in order: the override variable, the app's runtimes folder, then the NuGet cache.</summary>
    public static string Locate()
    {
        var candidates = Candidates().ToList();
        foreach (var c in candidates)
        {
            if (File.Exists(c)) return Path.GetFullPath(c);
        }
        throw new FileNotFoundException(
            "Cannot find the native librdkafka shipped by librdkafka.redist. Set " + PathVariable +
            " or restore the solution. Looked in: " + string.Join(", ", candidates));
    }

    private static IEnumerable<string> Candidates()
    {
        var overridePath = Environment.GetEnvironmentVariable(PathVariable);
        if (!string.IsNullOrWhiteSpace(overridePath)) yield return overridePath;

        var (rid, file) = NativeFileForThisPlatform();
        yield return Path.Combine(AppContext.BaseDirectory, "runtimes", rid, "native", file);
        yield return Path.Combine(AppContext.BaseDirectory, file);

        var nugetRoot = Environment.GetEnvironmentVariable("NUGET_PACKAGES");
        if (string.IsNullOrWhiteSpace(nugetRoot))
        {
            nugetRoot = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        }
        var redist = Path.Combine(nugetRoot, "librdkafka.redist");
        if (Directory.Exists(redist))
        {
            // Prefer the version matching Confluent.Kafka's own version (they are released in lock step).
            var wanted = typeof(Confluent.Kafka.Library).Assembly.GetName().Version;
            var versions = Directory.GetDirectories(redist)
                .OrderByDescending(d => Path.GetFileName(d) == $"{wanted?.Major}.{wanted?.Minor}.{wanted?.Build}")
                .ThenByDescending(d => Version.TryParse(Path.GetFileName(d), out var v) ? v : new Version(0, 0));
            foreach (var dir in versions)
            {
                yield return Path.Combine(dir, "runtimes", rid, "native", file);
            }
        }
    }

    private static (string Rid, string File) NativeFileForThisPlatform()
    {
        if (OperatingSystem.IsLinux())
        {
            var arm = RuntimeInformation.OSArchitecture == Architecture.Arm64;
            if (arm) return ("linux-arm64", "librdkafka.so");
            var musl = File.Exists("/etc/alpine-release");
            return ("linux-x64", musl ? "alpine-librdkafka.so" : "centos8-librdkafka.so");
        }
        if (OperatingSystem.IsMacOS())
        {
            return (RuntimeInformation.OSArchitecture == Architecture.Arm64 ? "osx-arm64" : "osx-x64", "librdkafka.dylib");
        }
        return (Environment.Is64BitProcess ? "win-x64" : "win-x86", "librdkafka.dll");
    }
}

/// <summary>P/Invoke declarations for librdkafka's mock cluster (rdkafka_mock.h) and the few core calls it needs.</summary>
internal static partial class MockClusterNative
{
    internal const int RdKafkaProducer = 0;

    [LibraryImport(LibrdkafkaNative.LibraryName)]
    internal static partial IntPtr rd_kafka_conf_new();

    [LibraryImport(LibrdkafkaNative.LibraryName, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int rd_kafka_conf_set(IntPtr conf, string name, string value, byte[] errstr, UIntPtr errstrSize);

    [LibraryImport(LibrdkafkaNative.LibraryName)]
    internal static partial void rd_kafka_conf_destroy(IntPtr conf);

    [LibraryImport(LibrdkafkaNative.LibraryName)]
    internal static partial IntPtr rd_kafka_new(int type, IntPtr conf, byte[] errstr, UIntPtr errstrSize);

    [LibraryImport(LibrdkafkaNative.LibraryName)]
    internal static partial void rd_kafka_destroy(IntPtr rk);

    [LibraryImport(LibrdkafkaNative.LibraryName)]
    internal static partial IntPtr rd_kafka_err2str(int err);

    [LibraryImport(LibrdkafkaNative.LibraryName)]
    internal static partial IntPtr rd_kafka_mock_cluster_new(IntPtr rk, int brokerCount);

    [LibraryImport(LibrdkafkaNative.LibraryName)]
    internal static partial void rd_kafka_mock_cluster_destroy(IntPtr mcluster);

    [LibraryImport(LibrdkafkaNative.LibraryName)]
    internal static partial IntPtr rd_kafka_mock_cluster_bootstraps(IntPtr mcluster);

    [LibraryImport(LibrdkafkaNative.LibraryName, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int rd_kafka_mock_topic_create(IntPtr mcluster, string topic, int partitionCount, int replicationFactor);

    [LibraryImport(LibrdkafkaNative.LibraryName)]
    internal static partial int rd_kafka_mock_broker_set_down(IntPtr mcluster, int brokerId);

    [LibraryImport(LibrdkafkaNative.LibraryName)]
    internal static partial int rd_kafka_mock_broker_set_up(IntPtr mcluster, int brokerId);

    [LibraryImport(LibrdkafkaNative.LibraryName)]
    internal static partial int rd_kafka_mock_broker_set_rtt(IntPtr mcluster, int brokerId, int rttMs);

    [LibraryImport(LibrdkafkaNative.LibraryName)]
    internal static partial void rd_kafka_mock_push_request_errors_array(IntPtr mcluster, short apiKey, UIntPtr count, int[] errors);

    [LibraryImport(LibrdkafkaNative.LibraryName)]
    internal static partial void rd_kafka_mock_clear_request_errors(IntPtr mcluster, short apiKey);

    [LibraryImport(LibrdkafkaNative.LibraryName)]
    internal static partial void rd_kafka_mock_group_initial_rebalance_delay_ms(IntPtr mcluster, int delayMs);

    internal static string ErrorText(int err) => Marshal.PtrToStringUTF8(rd_kafka_err2str(err)) ?? $"error {err}";
}
