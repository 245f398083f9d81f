using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;
using Pipeline.Functions;

// The Azure Functions isolated-worker app. Triggers are thin: they parse, call one service from shared/, and return.
// Durable Functions' extension provides the orchestration backend (Azure Storage by default, see host.json).
var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.Services.AddFunctionsApp(builder.Configuration);
builder.Build().Run();
