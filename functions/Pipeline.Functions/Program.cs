using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using Pipeline.Functions;

// The Azure Functions isolated-worker app. Triggers are thin: they parse, call one service from shared/, and return.
// Durable Functions' extension provides the orchestration backend (Azure Storage by default, see host.json).
var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.Services.AddFunctionsApp(builder.Configuration);
// The worker's OpenTelemetry defaults: function invocation spans and the host's trace context (AddFunctionsApp adds the rest).
builder.Services.AddOpenTelemetry().UseFunctionsWorkerDefaults();
builder.Build().Run();
