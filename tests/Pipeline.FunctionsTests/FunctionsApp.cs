using System.Reflection;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Pipeline.Functions;

namespace Pipeline.FunctionsTests;

/// <summary>The Functions app under test: its [Function] methods, and its real host built by Program.cs's composition.</summary>
internal static class FunctionsApp
{
    public static Assembly Assembly => typeof(FunctionsAppComposition).Assembly;

    public static IEnumerable<MethodInfo> FunctionMethods() =>
        Assembly.GetTypes().Where(t => t.IsPublic && t.IsClass)
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            .Where(m => m.GetCustomAttribute<FunctionAttribute>() is not null);

    public static IEnumerable<Type> FunctionClasses() => FunctionMethods().Select(m => m.DeclaringType!).Distinct();

    /// <summary>T of Task&lt;T&gt; / ValueTask&lt;T&gt;, else the return type (void for Task).</summary>
    public static Type ResultType(MethodInfo method)
    {
        var type = method.ReturnType;
        if (type.IsGenericType && (type.GetGenericTypeDefinition() == typeof(Task<>) || type.GetGenericTypeDefinition() == typeof(ValueTask<>)))
        {
            return type.GetGenericArguments()[0];
        }
        return type == typeof(Task) || type == typeof(ValueTask) ? typeof(void) : type;
    }

    /// <summary>Settings in the shape production has (Azure's app settings / the Bicep module): a PostgreSQL store, a Kafka
    /// bootstrap, a storage account, a webhook secret, an ML key. Nothing needs to answer for the host to be built.</summary>
    public static Dictionary<string, string?> ProductionShapedSettings() => new(StringComparer.OrdinalIgnoreCase)
    {
        ["AzureWebJobsStorage"] = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;QueueEndpoint=http://127.0.0.1:10001/devstoreaccount1;TableEndpoint=http://127.0.0.1:10002/devstoreaccount1;",
        ["Store:Provider"] = "postgres",
        ["Store:PostgresConnectionString"] = "Host=127.0.0.1;Port=5432;Username=pipeline;Password=unused;Database=pipeline",
        ["Kafka:BootstrapServers"] = "127.0.0.1:9092",
        ["GitHub:WebhookSecret"] = "test-webhook-secret",
        ["Ml:ApiKey"] = "test-ml-key",
        ["Analytics:Schedule"] = "0 0 * * * *",
        ["Ml:Monitor:Schedule"] = "0 */30 * * * *",
        ["Ml:Monitor:RetrainSchedule"] = "0 0 3 * * SUN",
        ["Poller:Schedule"] = "0 */5 * * * *",
    };

    /// <summary>The Functions app's host as Program.cs builds it, with <paramref name="settings"/> and optional replacements.</summary>
    public static IHost BuildHost(IDictionary<string, string?> settings, Action<IServiceCollection>? replace = null)
    {
        var builder = FunctionsAppComposition.CreateBuilder([], settings);
        replace?.Invoke(builder.Services);
        return builder.Build();
    }
}
