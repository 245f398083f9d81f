-- job: contributors_monthly
-- description: Contributors per month (distinct actors who pushed, opened or reviewed pull requests, opened issues or
--   commented), and all active actors, per repository and over all repositories (scope = repo | all).
-- inputs: events
-- output: trends_contributors
-- key: scope, name, month_start
-- period: month
-- period-column: month_start
WITH activity AS (
  SELECT
    repo,
    actor,
    CAST(date_trunc('month', created_at) AS DATE) AS month_start,
    CASE
      WHEN type = 'push' THEN 1
      WHEN type = 'pull_request' AND action = 'opened' THEN 1
      WHEN type = 'pull_request_review' THEN 1
      WHEN type = 'issues' AND action = 'opened' THEN 1
      WHEN type = 'issue_comment' THEN 1
      ELSE 0
    END AS contributes
  FROM events
  WHERE actor IS NOT NULL
)
SELECT
  'repo' AS scope,
  repo AS name,
  month_start,
  COUNT(DISTINCT CASE WHEN contributes = 1 THEN actor END) AS contributors,
  COUNT(DISTINCT actor) AS active_actors
FROM activity
GROUP BY repo, month_start
UNION ALL
SELECT
  'all' AS scope,
  '*' AS name,
  month_start,
  COUNT(DISTINCT CASE WHEN contributes = 1 THEN actor END) AS contributors,
  COUNT(DISTINCT actor) AS active_actors
FROM activity
GROUP BY month_start
