using Pipeline.Api;
using Pipeline.Embedded;
using Pipeline.LocalHost;

// Pipeline's local development launcher (`make run`): the embedded servers (Azurite, PostgreSQL, librdkafka's mock
// cluster), the Durable Task sidecar, then in one process the same /api routes as the Azure Functions app and the
// worker's consumer, durable worker and schedulers (see LauncherComposition). Production runs neither this project nor
// the embedded servers: it runs functions/Pipeline.Functions and functions/Pipeline.Worker.
// `dotnet run --project functions/Pipeline.LocalHost`            serves on http://localhost:7071 until Ctrl-C
// `dotnet run --project functions/Pipeline.LocalHost -- <command>` runs a CLI command (see CliCommands).
if (args.Length > 0 && CliCommands.IsCommand(args[0]))
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
await using var embedded = await EmbeddedServers.StartAsync(builder.Configuration, dataDirectory, bootLogger);
builder.Configuration.AddInMemoryCollection(embedded.Settings);

var hubName = builder.Configuration["DurableTask:HubName"] ?? "PipelineLocal";
await using var sidecar = await DurableSidecar.StartAsync(builder.Configuration["AzureWebJobsStorage"]!, hubName, bootLoggerFactory);
bootLogger.LogInformation("Durable Task sidecar (DurableTask.AzureStorage, hub {Hub}) at {Address}", hubName, sidecar.Address);

builder.WebHost.UseUrls(hosting.Urls);
builder.Services.AddPipelineLauncher(builder.Configuration, sidecar.Address);

var app = builder.Build();
app.UseLocalFunctionKeys(hosting);
app.MapPipelineEndpoints();
app.Lifetime.ApplicationStarted.Register(() =>
    bootLogger.LogInformation("Pipeline local host ready on {Urls}. Dashboard: {Urls}/dashboard. Ctrl-C stops it and every server it started.",
        hosting.Urls, hosting.Urls));
await app.RunAsync();
return 0;
