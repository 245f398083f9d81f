namespace Pipeline.Api.Management;

/// <summary>
/// The Durable Functions HTTP management payload a start answers with (the shape of
/// <c>DurableTaskClient.CreateHttpManagementPayload</c>): absolute URLs, carrying <c>code=</c> when a function key is in use.
/// </summary>
public sealed record ManagementPayload(
    string Id,
    string StatusQueryGetUri,
    string SendEventPostUri,
    string TerminatePostUri,
    string RewindPostUri,
    string PurgeHistoryDeleteUri);
