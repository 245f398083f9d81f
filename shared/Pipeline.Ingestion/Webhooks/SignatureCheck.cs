namespace Pipeline.Ingestion.Webhooks;

internal enum SignatureCheck
{
    Valid,
    Missing,
    Malformed,
    Mismatch,
}
