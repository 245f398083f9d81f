using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Worker;
using Pipeline.Api;
using Pipeline.Api.Operations;
using Pipeline.Embedded;
using Pipeline.LocalHost;
using Pipeline.Orchestration;

// Pipeline's local host: the same services and /api routes as the Azure Functions app, without `func`.
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

if (hosting.Role == PipelineRole.Init)
{
    return await InitCommand.RunAsync(builder.Configuration, bootLogger);
}

var dataDirectory = Path.GetFullPath(Path.IsPathRooted(hosting.DataDirectory)
    ? hosting.DataDirectory
    : Path.Combine(RepositoryPaths.TryFindRoot() ?? Directory.GetCurrentDirectory(), hosting.DataDirectory));
await using var embedded = await EmbeddedServers.StartAsync(builder.Configuration, dataDirectory, bootLogger);
builder.Configuration.AddInMemoryCollection(embedded.Settings);

var hubName = builder.Configuration["DurableTask:HubName"] ?? "PipelineLocal";
await using var sidecar = await DurableSidecar.StartAsync(builder.Configuration["AzureWebJobsStorage"]!, hubName, bootLoggerFactory);
bootLogger.LogInformation("Durable Task sidecar (DurableTask.AzureStorage, hub {Hub}) at {Address}", hubName, sidecar.Address);

builder.WebHost.UseUrls(hosting.Urls);
builder.Services.AddPipeline(builder.Configuration, hosting.Role);
builder.Services.AddLocalHostServices(builder.Configuration, hosting);
builder.Services.AddDurableTaskClient(b => b.UseGrpc(sidecar.Address));
builder.Services.AddSingleton<IHealthProbe, DurableProbe>();
builder.Services.AddHostedService(sp => new EmbeddedServerSupervisor(EmbeddedServerSupervisor.For(embedded),
    sp.GetRequiredService<IHostApplicationLifetime>(), sp.GetRequiredService<ILogger<EmbeddedServerSupervisor>>()));
builder.Services.AddLocalRateLimiting(hosting);
if (hosting.Role != PipelineRole.Consumer)
{
    builder.Services.AddDurableTaskWorker(b =>
    {
        b.UseGrpc(sidecar.Address);
        b.AddTasks(PipelineDurable.Register);
    });
}

var app = builder.Build();
app.UseLocalFunctionKeys(hosting);
app.UseLocalRateLimiting(hosting);
app.MapPipelineEndpoints(hosting.Role);
app.Lifetime.ApplicationStarted.Register(() =>
    bootLogger.LogInformation("Pipeline local host ready on {Urls} (role {Role}). Dashboard: {Urls}/dashboard. Ctrl-C stops it and every server it started.",
        hosting.Urls, hosting.Role, hosting.Urls));
await app.RunAsync();
// Non-zero when the supervisor stopped the host because an embedded server died (it logged which one).
return EmbeddedServerSupervisor.FailedServer is null ? 0 : EmbeddedServerSupervisor.ExitCode;
