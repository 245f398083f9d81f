using Pipeline.ServiceDefaults;
using Pipeline.Worker;

// Pipeline's worker host, the image production runs beside the Functions app (docker/Dockerfile.worker):
//   Host__Role=consumer  the hosted Kafka consumer (scaled by KEDA on group lag), with /api/health and /api/metrics
//   Host__Role=init      create the store's collections and indexes, then exit 0 (compose's and Kubernetes' init step)
// Configuration comes from the environment and the command line. `make run` composes the same parts in-process with the
// embedded servers (functions/Pipeline.LocalHost).
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
var options = builder.Configuration.GetSection(WorkerOptions.SectionName).Get<WorkerOptions>() ?? new WorkerOptions();
if (options.Role == WorkerRole.Init)
{
    using var loggerFactory = LoggerFactory.Create(l => l.AddSimpleConsole(o => o.SingleLine = true));
    return await InitCommand.RunAsync(builder.Configuration, loggerFactory.CreateLogger("Pipeline.Worker"));
}

builder.Services.AddPipelineConsumerWorker(builder.Configuration);
var app = builder.Build();
app.MapPipelineServiceDefaults();
await app.RunAsync();
return 0;
