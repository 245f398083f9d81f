using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Pipeline.Api.Management;

namespace Pipeline.Functions.Operations;

/// <summary>
/// The management payload of a start in the Functions app: Durable Functions' own helper
/// (<c>DurableTaskClient.CreateHttpManagementPayload</c>), whose URLs are the runtime's management webhooks with the system key
/// as <c>code=</c>. A client that does not come from the Functions binding (a test host) gets the payload of this app's routes.
/// </summary>
internal static class DurablePayloads
{
    public static Func<string, ManagementPayload> For(DurableTaskClient client, HttpRequest request, ManagedOperation operation) => instanceId =>
    {
        try
        {
            var p = client.CreateHttpManagementPayload(instanceId);
            if (p.Id is { } id && p.StatusQueryGetUri is { } status && p.SendEventPostUri is { } send && p.TerminatePostUri is { } terminate
                && p.RewindPostUri is { } rewind && p.PurgeHistoryDeleteUri is { } purge)
            {
                return new ManagementPayload(id, status, send, terminate, rewind, purge);
            }
            return ManagementHandlers.LocalPayload(request, operation, instanceId);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or NotSupportedException)
        {
            return ManagementHandlers.LocalPayload(request, operation, instanceId);
        }
    };
}
