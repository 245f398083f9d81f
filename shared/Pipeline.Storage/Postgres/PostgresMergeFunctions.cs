using Pipeline.Storage.Events;

namespace Pipeline.Storage.Postgres;

/// <summary>
/// The SQL side of the projections for the set-based sink (<see cref="PostgresEventWriter"/>): per collection, a function
/// <c>merge(stored, delta)</c> where <c>delta</c> is the projection's <see cref="IEventProjection.Apply"/> of one batch's new
/// events onto nothing. Each function gives what <c>Apply(stored, events)</c> gives in process (the contract suite checks
/// the two paths against the same expectations), so folding in C# per batch and combining in SQL across batches keeps the
/// projections idempotent and order-independent. Text comparisons use <c>COLLATE "C"</c> to match the ordinal comparisons
/// of the C# side. A change to a projection's fields or rules must change its function here as well.
/// The functions are declared STABLE, as their bodies are (<c>jsonb_build_object</c> and <c>jsonb_agg</c> are STABLE): the
/// planner inlines a single-expression SQL function only when its declared volatility is not stricter than its body's, and
/// an inlined merge costs no function call per row.
/// </summary>
internal static class PostgresMergeFunctions
{
    public const string Repository = "pipeline_merge_repository_v3";
    public const string SnapshotWithHistory = "pipeline_merge_snapshot_history_v4";
    public const string Stars = "pipeline_merge_stars_v2";

    private const string LanguageKey = RepositoryProjection.LanguageSnapshotKeyField;

    /// <summary>The merge function for a projection, or null when it has none (custom projections use the generic sink).</summary>
    public static string? For(IEventProjection projection) => projection switch
    {
        RepositoryProjection => Repository,
        IssueProjection or PullProjection => SnapshotWithHistory,
        StarProjection => Stars,
        _ => null,
    };

    public static readonly string CreateSql = $$"""
        -- Repositories: the last event by (time, id), with full_name/owner/name in that event's casing (or from the delta
        -- when the stored document has none); the first event by time; the language from whichever side's
        -- language_snapshot_key is newer; the rest of the repository snapshot (every other field of the delta) when the
        -- delta's snapshot_key is newer.
        CREATE OR REPLACE FUNCTION {{Repository}}(o jsonb, n jsonb) RETURNS jsonb LANGUAGE sql STABLE PARALLEL SAFE AS $f$
          SELECT o
            || CASE WHEN o->>'last_event_at' IS NULL
                      OR ((n->>'last_event_at') COLLATE "C", (n->>'last_event_id') COLLATE "C")
                         > ((o->>'last_event_at') COLLATE "C", coalesce(o->>'last_event_id', '') COLLATE "C")
                    THEN jsonb_build_object('last_event_at', n->'last_event_at', 'last_event_type', n->'last_event_type',
                                            'last_event_id', n->'last_event_id',
                                            'full_name', n->'full_name', 'owner', n->'owner', 'name', n->'name')
                    WHEN o->'full_name' IS NULL OR jsonb_typeof(o->'full_name') = 'null'
                    THEN jsonb_build_object('full_name', n->'full_name', 'owner', n->'owner', 'name', n->'name')
                    ELSE '{}'::jsonb END
            || CASE WHEN o->>'first_event_at' IS NULL OR (n->>'first_event_at') COLLATE "C" < (o->>'first_event_at') COLLATE "C"
                    THEN jsonb_build_object('first_event_at', n->'first_event_at')
                    ELSE '{}'::jsonb END
            || CASE WHEN n->>'{{LanguageKey}}' IS NOT NULL AND (o->>'{{LanguageKey}}' IS NULL
                      OR (n->>'{{LanguageKey}}') COLLATE "C" > (o->>'{{LanguageKey}}') COLLATE "C")
                    THEN jsonb_build_object('language', n->'language', 'language_source', n->'language_source',
                                            '{{LanguageKey}}', n->'{{LanguageKey}}')
                    WHEN o ? 'language' THEN '{}'::jsonb
                    ELSE jsonb_build_object('language', n->'language') END
            || CASE WHEN n ? '{{ProjectionSupport.SnapshotKeyField}}' AND (o->>'{{ProjectionSupport.SnapshotKeyField}}' IS NULL
                      OR (n->>'{{ProjectionSupport.SnapshotKeyField}}') COLLATE "C" > (o->>'{{ProjectionSupport.SnapshotKeyField}}') COLLATE "C")
                    THEN n - '{_id,full_name,owner,name,last_event_at,last_event_type,last_event_id,first_event_at,language,language_source,{{LanguageKey}}}'::text[]
                    ELSE '{}'::jsonb END
        $f$;

        -- Issues and pulls: the snapshot fields from whichever side has the newer snapshot_key; when the delta adds no history
        -- entry the stored history is kept as it is (it is already deduplicated, ordered and capped: every write went
        -- through this rule or ProjectionSupport.MergeHistory), with no unnesting and re-aggregating; else the history as the union of
        -- both by activity key, else event id (of entries sharing a key the earliest by (at, event_id) is kept, whichever side
        -- holds it, as ProjectionSupport.MergeHistory does), ordered by (at, that key), newest
        -- {{ProjectionSupport.MaxHistory}} kept.
        CREATE OR REPLACE FUNCTION {{SnapshotWithHistory}}(o jsonb, n jsonb) RETURNS jsonb LANGUAGE sql STABLE PARALLEL SAFE AS $f$
          SELECT jsonb_set(
            CASE WHEN n->>'{{ProjectionSupport.SnapshotKeyField}}' IS NOT NULL AND (o->>'{{ProjectionSupport.SnapshotKeyField}}' IS NULL
                   OR (n->>'{{ProjectionSupport.SnapshotKeyField}}') COLLATE "C" > (o->>'{{ProjectionSupport.SnapshotKeyField}}') COLLATE "C")
                 THEN o || (n - '{{ProjectionSupport.HistoryField}}') ELSE o END,
            '{ {{ProjectionSupport.HistoryField}} }',
            CASE WHEN jsonb_typeof(o->'{{ProjectionSupport.HistoryField}}') = 'array'
                      AND coalesce(jsonb_array_length(CASE WHEN jsonb_typeof(n->'{{ProjectionSupport.HistoryField}}') = 'array'
                                                           THEN n->'{{ProjectionSupport.HistoryField}}' END), 0) = 0
                 THEN o->'{{ProjectionSupport.HistoryField}}' ELSE
            (SELECT coalesce(jsonb_agg(k.h ORDER BY k.h->>'at' COLLATE "C", k.id COLLATE "C"), '[]'::jsonb)
               FROM (SELECT d.h, d.id FROM (
                       SELECT DISTINCT ON (coalesce(x.h->>'activity_key', x.h->>'event_id')) x.h, coalesce(x.h->>'activity_key', x.h->>'event_id') AS id
                         FROM jsonb_array_elements(coalesce(o->'{{ProjectionSupport.HistoryField}}', '[]'::jsonb)
                                                   || coalesce(n->'{{ProjectionSupport.HistoryField}}', '[]'::jsonb)) WITH ORDINALITY AS x(h, i)
                        WHERE coalesce(x.h->>'activity_key', x.h->>'event_id') IS NOT NULL
                        ORDER BY coalesce(x.h->>'activity_key', x.h->>'event_id'),
                                 x.h->>'at' COLLATE "C" NULLS FIRST, x.h->>'event_id' COLLATE "C" NULLS FIRST) d
                      ORDER BY d.h->>'at' COLLATE "C" DESC, d.id COLLATE "C" DESC
                      LIMIT {{ProjectionSupport.MaxHistory}}) k) END,
            true)
        $f$;

        -- Stars: the union of both report lists by event id (the newer copy wins), newest {{StarProjection.MaxEvents}} by
        -- (at, event_id); the state derived from that set as StarProjection does: the latest report decides starred,
        -- starred_at is the earliest star report after the last unstar.
        CREATE OR REPLACE FUNCTION {{Stars}}(o jsonb, n jsonb) RETURNS jsonb LANGUAGE sql STABLE PARALLEL SAFE AS $f$
          WITH r AS (
            SELECT d.e, d.e->>'at' AS at, d.e->>'event_id' AS id,
                   coalesce(CASE WHEN jsonb_typeof(d.e->'starring') = 'boolean' THEN (d.e->>'starring')::boolean END, false) AS starring,
                   d.e->>'starred_at' AS starred_at
              FROM (SELECT DISTINCT ON (x.e->>'event_id') x.e
                      FROM jsonb_array_elements(coalesce(o->'events', '[]'::jsonb) || coalesce(n->'events', '[]'::jsonb)) WITH ORDINALITY AS x(e, i)
                     WHERE x.e->>'event_id' IS NOT NULL AND x.e->>'at' IS NOT NULL
                     ORDER BY x.e->>'event_id', x.i DESC) d
             ORDER BY d.e->>'at' COLLATE "C" DESC, d.e->>'event_id' COLLATE "C" DESC
             LIMIT {{StarProjection.MaxEvents}}),
          latest AS (SELECT * FROM r ORDER BY at COLLATE "C" DESC, id COLLATE "C" DESC LIMIT 1),
          unstar AS (SELECT * FROM r WHERE NOT starring ORDER BY at COLLATE "C" DESC, id COLLATE "C" DESC LIMIT 1)
          SELECT o || n || jsonb_build_object(
            'starred', (SELECT starring FROM latest),
            'starred_at', CASE WHEN (SELECT starring FROM latest)
                               THEN (SELECT to_jsonb(min(r.starred_at COLLATE "C")) FROM r
                                      WHERE r.starring AND ((SELECT at FROM unstar) IS NULL OR r.at COLLATE "C" > (SELECT at FROM unstar) COLLATE "C"))
                               END,
            'unstarred_at', (SELECT at FROM unstar),
            'changed_at', (SELECT at FROM latest),
            'events', (SELECT jsonb_agg(jsonb_build_object('event_id', r.id, 'at', r.at, 'starring', r.starring, 'starred_at', r.starred_at)
                                        ORDER BY r.at COLLATE "C", r.id COLLATE "C") FROM r))
        $f$;
        """;
}
