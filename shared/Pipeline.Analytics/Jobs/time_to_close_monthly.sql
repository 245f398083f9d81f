-- job: time_to_close_monthly
-- description: Issue and pull-request time to close (hours from creation to closing: median, p85, p95) per month of
--   closing, per repository, per language and over all repositories (scope = repo | language | all). kind: issue, pr
--   (every closed pull request), pr_merged (time to merge: merged pull requests only) and pr_unmerged (closed without
--   merging, reported apart). A closing delivered by several sources counts once (grouped by activity key).
--   Durations come from the epoch-second columns the snapshot extracts, because the engines disagree on date-diff functions.
-- inputs: events, repositories
-- output: trends_time_to_close
-- key: scope, name, kind, month_start
-- period: month
-- period-column: month_start
WITH repo_language AS (
  SELECT
    e.repo_key,
    COALESCE(MAX(r.repo), MAX(e.repo)) AS repo,
    COALESCE(MAX(r.language), MAX(e.language), 'unknown') AS language
  FROM events e
  LEFT JOIN repositories r ON r.repo_key = e.repo_key
  GROUP BY e.repo_key
),
closings AS (
  SELECT
    activity_key,
    MAX(repo_key) AS repo_key,
    MAX(type) AS type,
    MAX(CASE WHEN merged = TRUE THEN 1 ELSE 0 END) AS was_merged,
    MIN(CAST(date_trunc('month', created_at) AS DATE)) AS month_start,
    MAX(item_closed_epoch - item_created_epoch) AS close_seconds
  FROM events
  WHERE action = 'closed'
    AND type IN ('issues', 'pull_request')
    AND item_created_epoch IS NOT NULL
    AND item_closed_epoch IS NOT NULL
    AND item_closed_epoch >= item_created_epoch
  GROUP BY activity_key
),
closed AS (
  SELECT l.repo, l.language, CASE WHEN c.type = 'issues' THEN 'issue' ELSE 'pr' END AS kind, c.month_start, c.close_seconds
  FROM closings c
  JOIN repo_language l ON l.repo_key = c.repo_key
  UNION ALL
  SELECT l.repo, l.language, CASE WHEN c.was_merged = 1 THEN 'pr_merged' ELSE 'pr_unmerged' END AS kind, c.month_start, c.close_seconds
  FROM closings c
  JOIN repo_language l ON l.repo_key = c.repo_key
  WHERE c.type = 'pull_request'
)
SELECT
  'repo' AS scope,
  repo AS name,
  kind,
  month_start,
  COUNT(*) AS closed,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY close_seconds) / 3600.0 AS median_hours,
  percentile_cont(0.85) WITHIN GROUP (ORDER BY close_seconds) / 3600.0 AS p85_hours,
  percentile_cont(0.95) WITHIN GROUP (ORDER BY close_seconds) / 3600.0 AS p95_hours
FROM closed
GROUP BY repo, kind, month_start
UNION ALL
SELECT
  'language' AS scope,
  language AS name,
  kind,
  month_start,
  COUNT(*) AS closed,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY close_seconds) / 3600.0 AS median_hours,
  percentile_cont(0.85) WITHIN GROUP (ORDER BY close_seconds) / 3600.0 AS p85_hours,
  percentile_cont(0.95) WITHIN GROUP (ORDER BY close_seconds) / 3600.0 AS p95_hours
FROM closed
GROUP BY language, kind, month_start
UNION ALL
SELECT
  'all' AS scope,
  '*' AS name,
  kind,
  month_start,
  COUNT(*) AS closed,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY close_seconds) / 3600.0 AS median_hours,
  percentile_cont(0.85) WITHIN GROUP (ORDER BY close_seconds) / 3600.0 AS p85_hours,
  percentile_cont(0.95) WITHIN GROUP (ORDER BY close_seconds) / 3600.0 AS p95_hours
FROM closed
GROUP BY kind, month_start
