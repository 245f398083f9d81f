-- job: time_to_close_monthly
-- description: Issue and pull-request time to close (hours from creation to closing: median, p85, p95) per month of
--   closing, per repository, per language and over all repositories (scope = repo | language | all). kind: issue, pr
--   (every closed pull request), pr_merged (time to merge: merged pull requests only) and pr_unmerged (closed without
--   merging, reported apart). A closing delivered by several sources counts once (grouped by activity key).
--   Durations come from the epoch-second columns the snapshot extracts, because the engines disagree on date-diff functions.
-- inputs: events, repo_language
-- output: trends_time_to_close
-- key: scope, name, kind, month_start
-- period: month
-- period-column: month_start
WITH closings AS (
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
closings_by_repo AS (
  SELECT l.repo, l.language, c.type, c.was_merged, c.month_start, c.close_seconds
  FROM closings c
  JOIN repo_language l ON l.repo_key = c.repo_key
),
-- Every closing counts once as an issue or a pr, and a pull request once more as merged or unmerged.
closed AS (
  SELECT repo, language, CASE WHEN type = 'issues' THEN 'issue' ELSE 'pr' END AS kind, month_start, close_seconds
  FROM closings_by_repo
  UNION ALL
  SELECT repo, language, CASE WHEN was_merged = 1 THEN 'pr_merged' ELSE 'pr_unmerged' END AS kind, month_start, close_seconds
  FROM closings_by_repo
  WHERE type = 'pull_request'
)
SELECT
  CASE WHEN GROUPING(repo) = 0 THEN 'repo' WHEN GROUPING(language) = 0 THEN 'language' ELSE 'all' END AS scope,
  CASE WHEN GROUPING(repo) = 0 THEN repo WHEN GROUPING(language) = 0 THEN language ELSE '*' END AS name,
  kind,
  month_start,
  COUNT(*) AS closed,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY close_seconds) / 3600.0 AS median_hours,
  percentile_cont(0.85) WITHIN GROUP (ORDER BY close_seconds) / 3600.0 AS p85_hours,
  percentile_cont(0.95) WITHIN GROUP (ORDER BY close_seconds) / 3600.0 AS p95_hours
FROM closed
GROUP BY GROUPING SETS ((repo, kind, month_start), (language, kind, month_start), (kind, month_start))
