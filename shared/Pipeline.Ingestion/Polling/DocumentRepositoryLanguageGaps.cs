using System.Text.Json.Nodes;
using Pipeline.Domain;
using Pipeline.Storage;

namespace Pipeline.Ingestion.Polling;

/// <summary>Reads the gaps from the store's <c>repositories</c> projection (documents whose <c>language</c> is null).</summary>
internal sealed class DocumentRepositoryLanguageGaps(IDocumentStore store) : IRepositoryLanguageGaps
{
    public async Task<IReadOnlyList<string>> RepositoriesWithoutLanguageAsync(int max, CancellationToken ct = default)
    {
        if (max <= 0) return [];
        var docs = await store.FindAsync(Collections.Repositories, DocumentQuery.Where(new FieldFilter("language", FilterOp.Eq, null))
            .OrderBy("last_event_at", descending: true).Take(max).Select(DocumentJson.IdField, "full_name"), ct).ConfigureAwait(false);
        return docs
            .Select(d => d["full_name"] is JsonValue v && v.TryGetValue<string>(out var name) ? name : null)
            .OfType<string>()
            .Where(n => n.Count(c => c == '/') == 1)
            .ToList();
    }
}
