using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Pipeline.Domain;
using Pipeline.ML.Training;
using Pipeline.Storage;

namespace Pipeline.ML.Registry;

/// <summary>
/// The model registry: artifacts in blob storage, metadata documents in the <c>models</c> collection
/// (<c>{name}@v{n}</c> per version, <c>{name}</c> for the head with the aliases and their history).
/// Every trained model is registered as a new version; only <see cref="PromoteAsync"/> moves the champion alias.
/// </summary>
public sealed class ModelRegistry(IDocumentStore store, IModelArtifactStore artifacts, ILogger<ModelRegistry> logger)
{
    public const string Champion = "champion";
    public const string Challenger = "challenger";

    /// <summary>Raised in-process after the champion alias moved, so serving swaps models at once.</summary>
    internal event Action<ChampionChange>? ChampionChanged;

    public static string VersionId(string name, int version) => $"{name}@v{version}";

    public IModelArtifactStore Artifacts => artifacts;

    /// <summary>The head, rolled forward to the newest claimed revision (a writer that claimed a revision but died before
    /// writing the head is completed here).</summary>
    public async Task<ModelHead?> GetHeadAsync(string name, CancellationToken ct = default)
    {
        var doc = await store.GetAsync(Collections.Models, name, ct);
        var head = doc is null ? null : RegistryJson.FromDocument<ModelHead>(doc);
        var healed = false;
        while (await store.GetAsync(Collections.Models, RevisionId(name, (head?.Revision ?? 0) + 1), ct) is { } claimed)
        {
            head = RegistryJson.FromDocument<ModelHead>(claimed);
            head.Kind = "model";
            healed = true;
        }
        if (healed && head is not null) await store.UpsertAsync(Collections.Models, name, RegistryJson.ToDocument(head, name), ct);
        return head;
    }

    private static string RevisionId(string name, long revision) => $"{name}@head{revision}";

    /// <summary>
    /// Optimistic concurrency on the head: read it at revision r, apply <paramref name="change"/>, and claim revision r + 1
    /// with an insert-if-absent document holding the new head; only one writer can claim it, the others re-read and apply
    /// their change to the winner's head. Then the head document is written.
    /// </summary>
    private async Task<ModelHead> UpdateHeadAsync(string name, Func<ModelHead?, ModelHead> change, CancellationToken ct)
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var current = await GetHeadAsync(name, ct);
            var revision = current?.Revision ?? 0;
            var next = change(current is null ? null : RegistryJson.FromDocument<ModelHead>(RegistryJson.ToDocument(current, name)));
            next.Revision = revision + 1;
            var claim = RegistryJson.ToDocument(next, RevisionId(name, next.Revision));
            claim["kind"] = "head-revision";
            if (!await store.InsertIfAbsentAsync(Collections.Models, RevisionId(name, next.Revision), claim, ct))
            {
                ModelRegistryLog.HeadMovedConcurrently(logger, name, next.Revision);
                continue;
            }
            await store.UpsertAsync(Collections.Models, name, RegistryJson.ToDocument(next, name), ct);
            return next;
        }
        throw new InvalidOperationException($"The head of {name} kept changing concurrently; gave up after 50 attempts");
    }

    public async Task<ModelVersionInfo?> GetVersionAsync(string name, int version, CancellationToken ct = default)
    {
        var doc = await store.GetAsync(Collections.Models, VersionId(name, version), ct);
        if (doc is null) return null;
        var info = RegistryJson.FromDocument<ModelVersionInfo>(doc);
        var head = await GetHeadAsync(name, ct);
        info.Aliases = AliasesOf(head, version);
        return info;
    }

    public async Task<IReadOnlyList<ModelVersionInfo>> ListVersionsAsync(string name, int limit = 100, CancellationToken ct = default)
    {
        var docs = await store.FindAsync(Collections.Models, DocumentQuery.Where(
                new FieldFilter("kind", FilterOp.Eq, "version"), new FieldFilter("name", FilterOp.Eq, name))
            .OrderBy("version", descending: true).Take(limit), ct);
        var head = await GetHeadAsync(name, ct);
        return docs.Select(d =>
        {
            var v = RegistryJson.FromDocument<ModelVersionInfo>(d);
            v.Aliases = AliasesOf(head, v.Version);
            return v;
        }).ToList();
    }

    public async Task<ModelVersionInfo?> GetChampionAsync(string name, CancellationToken ct = default)
    {
        var head = await GetHeadAsync(name, ct);
        return head?.Champion is { } v ? await GetVersionAsync(name, v, ct) : null;
    }

    public async Task<byte[]> LoadArtifactAsync(ModelVersionInfo version, CancellationToken ct = default) =>
        (await artifacts.DownloadAsync(version.ArtifactPath, ct)).ToArray();

    /// <summary>Registers a new version (next number) and applies the gate decision to the aliases.</summary>
    public async Task<ModelVersionInfo> RegisterAsync(ModelVersionInfo info, bool promote, CancellationToken ct = default)
    {
        ModelNames.EnsureKnown(info.Name);
        var head = await GetHeadAsync(info.Name, ct) ?? new ModelHead { Name = info.Name };
        var version = head.LatestVersion + 1;
        info.ParentVersion ??= head.Champion;
        info.CreatedAt = info.CreatedAt == default ? DateTime.UtcNow : info.CreatedAt;
        while (true)
        {
            info.Version = version;
            info.Aliases = promote ? [Champion] : [Challenger];
            if (await store.InsertIfAbsentAsync(Collections.Models, VersionId(info.Name, version), RegistryJson.ToDocument(info, VersionId(info.Name, version)), ct)) break;
            version++; // another registration took this number
        }
        int? previous = null;
        int? previousChallenger = null;
        head = await UpdateHeadAsync(info.Name, h =>
        {
            h ??= new ModelHead { Name = info.Name };
            h.LatestVersion = Math.Max(h.LatestVersion, version);
            h.UpdatedAt = DateTime.UtcNow;
            previous = h.Champion;
            previousChallenger = h.Challenger;
            if (promote)
            {
                h.Champion = version;
                if (h.Challenger == version) h.Challenger = null;
                h.History.Add(new AliasChange { At = DateTime.UtcNow, Alias = Champion, Version = version, Previous = previous, Reason = info.Gate.Reason });
            }
            else
            {
                h.Challenger = version;
                h.History.Add(new AliasChange { At = DateTime.UtcNow, Alias = Challenger, Version = version, Reason = info.Gate.Reason });
            }
            return h;
        }, ct);
        await RewriteAliasesAsync(info.Name, head, [previous, previousChallenger], ct);
        ModelRegistryLog.Registered(logger, info.Name, version, info.Gate.Decision, info.Gate.Reason);
        if (promote) ChampionChanged?.Invoke(new ChampionChange(info.Name, version, previous, info.Gate.Reason));
        return info;
    }

    /// <summary>Moves the champion alias to an existing version (manual promotion or rollback).</summary>
    public async Task<ModelHead> PromoteAsync(string name, int version, string reason, CancellationToken ct = default)
    {
        ModelNames.EnsureKnown(name);
        var target = await GetVersionAsync(name, version, ct) ?? throw new KeyNotFoundException($"{name} has no version {version}");
        int? previous = null;
        var head = await UpdateHeadAsync(name, h =>
        {
            h = h ?? throw new KeyNotFoundException($"{name} has no registered versions");
            previous = h.Champion;
            h.Champion = target.Version;
            if (h.Challenger == target.Version) h.Challenger = null;
            h.UpdatedAt = DateTime.UtcNow;
            h.History.Add(new AliasChange { At = DateTime.UtcNow, Alias = Champion, Version = target.Version, Previous = previous, Reason = reason });
            return h;
        }, ct);
        await RewriteAliasesAsync(name, head, [previous, target.Version], ct);
        ModelRegistryLog.ChampionMoved(logger, name, previous, target.Version, reason);
        ChampionChanged?.Invoke(new ChampionChange(name, target.Version, previous, reason));
        return head;
    }

    /// <summary>Rolls the champion back to the version that held it before the current one.</summary>
    public async Task<ModelHead> RollbackAsync(string name, string reason, CancellationToken ct = default)
    {
        var head = await GetHeadAsync(name, ct) ?? throw new KeyNotFoundException($"{name} has no registered versions");
        var last = head.History.LastOrDefault(h => h.Alias == Champion && h.Version == head.Champion && h.Previous is not null)
                   ?? throw new InvalidOperationException($"{name} has no earlier champion to roll back to");
        return await PromoteAsync(name, last.Previous!.Value, reason, ct);
    }

    private async Task RewriteAliasesAsync(string name, ModelHead head, IEnumerable<int?> versions, CancellationToken ct)
    {
        foreach (var v in versions.Where(v => v is not null).Select(v => v!.Value).Distinct())
        {
            var doc = await store.GetAsync(Collections.Models, VersionId(name, v), ct);
            if (doc is null) continue;
            doc["aliases"] = new JsonArray(AliasesOf(head, v).Select(a => (JsonNode)JsonValue.Create(a)!).ToArray());
            await store.UpsertAsync(Collections.Models, VersionId(name, v), doc, ct);
        }
    }

    private static List<string> AliasesOf(ModelHead? head, int version)
    {
        var aliases = new List<string>();
        if (head?.Champion == version) aliases.Add(Champion);
        if (head?.Challenger == version) aliases.Add(Challenger);
        return aliases;
    }
}

/// <summary>The source-generated log messages of ModelRegistry (event ids: docs/architecture.md).</summary>
internal static partial class ModelRegistryLog
{
    [LoggerMessage(EventId = 3014, Level = LogLevel.Debug, Message = "Head of {Model} moved to revision {Revision} concurrently; retrying")]
    public static partial void HeadMovedConcurrently(ILogger logger, string model, long revision);

    [LoggerMessage(EventId = 3015, Level = LogLevel.Information, Message = "Registered {Model} v{Version} ({Decision}: {Reason})")]
    public static partial void Registered(ILogger logger, string model, int version, string decision, string reason);

    [LoggerMessage(EventId = 3016, Level = LogLevel.Warning, Message = "Champion of {Model} moved from v{Previous} to v{Version}: {Reason}")]
    public static partial void ChampionMoved(ILogger logger, string model, int? previous, int version, string reason);
}
