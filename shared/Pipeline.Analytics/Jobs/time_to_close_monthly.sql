-- job: time_to_close_monthly
-- description: Issue and pull-request time to close (hours from creation to closing: median, p85, p95) per month of
--   closing, per repository, per language and over all repositories (scope = repo | language | all).
--   Durations come from the epoch-second columns the snapshot extracts, because the engines disagree on date-diff functions.
-- inputs: events
-- output: trends_time_to_close
-- key: scope, name, kind, month_start
-- period: month
-- period-column: month_start
WITH repo_language AS (
  SELECT repo, MAX(language) AS language
  FROM events
  WHERE language IS NOT NULL
  GROUP BY repo
),
closed AS (
  SELECT
    e.repo,
    l.language,
    CASE WHEN e.type = 'issues' THEN 'issue' ELSE 'pr' END AS kind,
    CAST(date_trunc('month', e.created_at) AS DATE) AS month_start,
    e.item_closed_epoch - e.item_created_epoch AS close_seconds
  FROM events e
  LEFT JOIN repo_language l ON l.repo = e.repo
  WHERE e.action = 'closed'
    AND e.type IN ('issues', 'pull_request')
    AND e.item_created_epoch IS NOT NULL
    AND e.item_closed_epoch IS NOT NULL
    AND e.item_closed_epoch >= e.item_created_epoch
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
WHERE language IS NOT NULL
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
