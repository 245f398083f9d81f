-- job: repo_activity_weekly
-- description: New stars, forks, issues and pull requests (and all activities) per repository per ISO week (Monday
--   start), counted as distinct activity keys. The repository is grouped by repo_key (lower-cased); repo is its display
--   name and language its latest known language (repositories table, else what the events name, else 'unknown').
-- inputs: events, repo_language
-- output: trends_repo_weekly
-- key: repo, week_start
-- period: week
-- period-column: week_start
WITH weekly AS (
  SELECT
    repo_key,
    CAST(date_trunc('week', created_at) AS DATE) AS week_start,
    COUNT(DISTINCT activity_key) AS events,
    COUNT(DISTINCT CASE WHEN (type = 'watch' AND action = 'started') OR (type = 'star' AND action = 'created') THEN activity_key END) AS stars,
    COUNT(DISTINCT CASE WHEN type = 'fork' THEN activity_key END) AS forks,
    COUNT(DISTINCT CASE WHEN type = 'issues' AND action = 'opened' THEN activity_key END) AS issues_opened,
    COUNT(DISTINCT CASE WHEN type = 'issues' AND action = 'closed' THEN activity_key END) AS issues_closed,
    COUNT(DISTINCT CASE WHEN type = 'pull_request' AND action = 'opened' THEN activity_key END) AS prs_opened,
    COUNT(DISTINCT CASE WHEN type = 'pull_request' AND action = 'closed' THEN activity_key END) AS prs_closed,
    COUNT(DISTINCT CASE WHEN type = 'pull_request' AND action = 'closed' AND merged = TRUE THEN activity_key END) AS prs_merged,
    COUNT(DISTINCT CASE WHEN type = 'pull_request' AND action = 'closed' AND (merged IS NULL OR merged = FALSE) THEN activity_key END) AS prs_closed_unmerged,
    COUNT(DISTINCT CASE WHEN type = 'push' THEN activity_key END) AS pushes
  FROM events
  GROUP BY repo_key, CAST(date_trunc('week', created_at) AS DATE)
)
SELECT
  l.repo,
  w.week_start,
  l.language,
  w.events,
  w.stars,
  w.forks,
  w.issues_opened,
  w.issues_closed,
  w.prs_opened,
  w.prs_closed,
  w.prs_merged,
  w.prs_closed_unmerged,
  w.pushes
FROM weekly w
JOIN repo_language l ON l.repo_key = w.repo_key
