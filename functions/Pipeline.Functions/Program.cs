using Microsoft.Extensions.Hosting;
using Pipeline.Functions;

// The Azure Functions isolated-worker app. Triggers are thin: they parse, call one service from shared/, and return.
// Durable Functions' extension provides the orchestration backend (Azure Storage by default, see host.json).
FunctionsAppComposition.CreateBuilder(args).Build().Run();
