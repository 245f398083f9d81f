using System.Security.Cryptography;
using System.Text;

namespace Pipeline.Ingestion.Webhooks;

public enum SignatureCheck
{
    Valid,
    Missing,
    Malformed,
    Mismatch,
}
