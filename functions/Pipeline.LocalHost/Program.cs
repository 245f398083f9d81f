using Pipeline.Api;
using Pipeline.Embedded;
using Pipeline.LocalHost;

// Pipeline's local development launcher (`make run`): the embedded servers (Azurite, PostgreSQL, librdkafka's mock
// cluster), the Durable Task sidecar, then in one process the same /api routes as the Azure Functions app and the
// worker's consumer, durable worker and schedulers (see LauncherComposition). Production runs neither this project nor
// the embedded servers: it runs functions/Pipeline.Functions and functions/Pipeline.Worker.
// `dotnet run --project functions/Pipeline.LocalHost`            serves on http://localhost:7071 until Ctrl-C
// `dotnet run --project functions/Pipeline.LocalHost -- <command>` runs a CLI command (see CliCommands).
if (CliCommands.IsCommand(args))
{
    return await CliCommands.RunAsync(args);
}

var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
LocalHostConfiguration.Apply(builder.Configuration, args);
var hosting = builder.Configuration.GetSection(HostingOptions.SectionName).Get<HostingOptions>() ?? new HostingOptions();
using var bootLoggerFactory = LoggerFactory.Create(l => l
    .AddSimpleConsole(o => o.SingleLine = true)
    .AddFilter("Microsoft", LogLevel.Warning)
    .AddFilter("DurableTask", LogLevel.Warning)
    .AddFilter("Grpc", LogLevel.Warning));
var bootLogger = bootLoggerFactory.CreateLogger("Pipeline.LocalHost");

var dataDirectory = Path.GetFullPath(Path.IsPathRooted(hosting.DataDirectory)
    ? hosting.DataDirectory
    : Path.Combine(RepositoryPaths.TryFindRoot() ?? Directory.GetCurrentDirectory(), hosting.DataDirectory));
// Absolute from here on: the backfill and audit allow-lists default to its imports/ and repos/ folders.
builder.Configuration["Host:DataDirectory"] = dataDirectory;
// One host per data directory; after a host that was killed, its watchdog's clean-up is awaited and logged.
using var claim = await HostDataDirectoryClaim.ClaimAsync(dataDirectory, bootLogger);
if (claim is null)
{
    return 1;
}
// The host binds its own port only after the embedded servers are up: none of them may be handed that port meanwhile.
PortFinder.ReserveUrls(hosting.Urls);
await using var embedded = await EmbeddedServers.StartAsync(builder.Configuration, dataDirectory, bootLogger);
builder.Configuration.AddInMemoryCollection(embedded.Settings);
// Stops Azurite and PostgreSQL if this process is killed (no shutdown code runs then); ended first on a clean stop.
using var watchdog = await OrphanWatchdog.StartAsync(embedded, dataDirectory, bootLogger);

var hubName = builder.Configuration["DurableTask:HubName"] ?? "PipelineLocal";
await using var sidecar = await DurableSidecar.StartAsync(builder.Configuration["AzureWebJobsStorage"]!, hubName, bootLoggerFactory);
LocalHostProgramLog.DurableSidecarListening(bootLogger, hubName, sidecar.Address);

builder.WebHost.UseUrls(hosting.Urls);
builder.Services.AddPipelineLauncher(builder.Configuration, sidecar.Address);
// Embedded servers that exit are restarted, or the launcher stops naming the one that died (exit code below). A killed
// Azurite can lose the task hub it had not saved yet: the sidecar creates what is missing once Azurite is back.
builder.Services.AddHostedService(sp => new EmbeddedServerSupervisor(EmbeddedServerSupervisor.For(embedded, _ => sidecar.EnsureTaskHubAsync()),
    sp.GetRequiredService<IHostApplicationLifetime>(), sp.GetRequiredService<ILogger<EmbeddedServerSupervisor>>()));
builder.Services.AddLocalRateLimiting(hosting);

var app = builder.Build();
app.UseLocalFunctionKeys(hosting);
app.UseLocalRateLimiting(hosting);
app.MapPipelineEndpoints();
app.Lifetime.ApplicationStarted.Register(() =>
    LocalHostProgramLog.LocalHostReady(bootLogger, hosting.Urls));
await app.RunAsync();
// Non-zero when the supervisor stopped the host because an embedded server died (it logged which one).
return EmbeddedServerSupervisor.FailedServer is null ? 0 : EmbeddedServerSupervisor.ExitCode;

/// <summary>The source-generated log messages of Program (event ids: docs/architecture.md).</summary>
internal static partial class LocalHostProgramLog
{
    [LoggerMessage(EventId = 8002, Level = LogLevel.Information, Message = "Durable Task sidecar (DurableTask.AzureStorage, hub {Hub}) at {Address}")]
    public static partial void DurableSidecarListening(ILogger logger, string hub, string address);

    [LoggerMessage(EventId = 8003, Level = LogLevel.Information, Message = "Pipeline local host ready on {Urls}. Dashboard: {Urls}/dashboard. Ctrl-C stops it and every server it started.")]
    public static partial void LocalHostReady(ILogger logger, string urls);
}
