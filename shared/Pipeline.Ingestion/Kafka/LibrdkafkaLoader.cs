using System.Reflection;
using System.Runtime.InteropServices;

namespace Pipeline.Ingestion.Kafka;

/// <summary>
/// Makes Confluent.Kafka load the librdkafka build that works on this OS before the first client is created.
/// Why: on glibc Linux the default <c>librdkafka.so</c> from librdkafka.redist needs <c>libsasl2.so.3</c> (missing on
/// Debian/Ubuntu) and Confluent.Kafka then falls back to a system librdkafka, if any; the <c>centos8-librdkafka.so</c>
/// build links only libc. <c>Library.Load(path)</c> itself dlopens through <c>[DllImport("libdl")]</c>, which fails on
/// glibc ≥ 2.34 (only <c>libdl.so.2</c> exists), so we also resolve that name. Pipeline.Embedded's LibrdkafkaNative does
/// the same for the mock cluster (it must use this very file); the two agree on the path order below.
/// </summary>
public static class LibrdkafkaLoader
{
    public const string PathVariable = "PIPELINE_LIBRDKAFKA_PATH";

    private static readonly Lock Gate = new();
    private static bool _done;

    /// <summary>Idempotent; call before building any producer or consumer. Returns the path loaded, or null when the
    /// library was already loaded by someone else (e.g. the embedded broker) or no bundled build fits this platform.</summary>
    public static string? EnsureLoaded()
    {
        lock (Gate)
        {
            if (_done || Confluent.Kafka.Library.IsLoaded)
            {
                _done = true;
                return null;
            }
            _done = true;
            var path = Candidates().FirstOrDefault(File.Exists);
            if (path is null) return null; // let Confluent.Kafka use its own search (Windows, macOS, custom images)
            path = Path.GetFullPath(path);
            try
            {
                NativeLibrary.SetDllImportResolver(typeof(Confluent.Kafka.Library).Assembly, ResolveLibdl);
            }
            catch (InvalidOperationException)
            {
                // Pipeline.Embedded registered an equivalent resolver first.
            }
            Confluent.Kafka.Library.Load(path);
            return path;
        }
    }

    private static IntPtr ResolveLibdl(string name, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (name == "libdl" && OperatingSystem.IsLinux())
        {
            foreach (var candidate in new[] { "libdl.so.2", "libc.so.6" })
            {
                if (NativeLibrary.TryLoad(candidate, out var h)) return h;
            }
        }
        return IntPtr.Zero;
    }

    private static IEnumerable<string> Candidates()
    {
        var overridePath = Environment.GetEnvironmentVariable(PathVariable);
        if (!string.IsNullOrWhiteSpace(overridePath)) yield return overridePath;
        // Only glibc/musl x64 Linux needs the special build; elsewhere the default search works.
        if (!OperatingSystem.IsLinux() || RuntimeInformation.OSArchitecture != Architecture.X64) yield break;
        var file = File.Exists("/etc/alpine-release") ? "alpine-librdkafka.so" : "centos8-librdkafka.so";
        yield return Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", file);
        yield return Path.Combine(AppContext.BaseDirectory, file);
        var nugetRoot = Environment.GetEnvironmentVariable("NUGET_PACKAGES");
        if (string.IsNullOrWhiteSpace(nugetRoot))
        {
            nugetRoot = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        }
        var v = typeof(Confluent.Kafka.Library).Assembly.GetName().Version;
        yield return Path.Combine(nugetRoot, "librdkafka.redist", $"{v?.Major}.{v?.Minor}.{v?.Build}", "runtimes", "linux-x64", "native", file);
    }
}
