-- job: contributors_monthly
-- description: Contributors per month (distinct people, logins case-insensitive, who pushed, opened or reviewed pull
--   requests, opened issues or commented), all active actors, and the contributors split into new (their first
--   contribution in the stored history is this month) and returning (they contributed in an earlier month), per
--   repository and over all repositories (scope = repo | all). Reads the whole history up to each month (history: all);
--   the first month of the history counts everyone as new.
-- inputs: events, repo_language
-- output: trends_contributors
-- key: scope, name, month_start
-- period: month
-- period-column: month_start
-- history: all
WITH activity AS (
  SELECT
    repo_key,
    LOWER(actor) AS login,
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
),
first_in_repo AS (
  SELECT repo_key, login, MIN(month_start) AS first_month
  FROM activity
  WHERE contributes = 1
  GROUP BY repo_key, login
),
first_anywhere AS (
  SELECT login, MIN(month_start) AS first_month
  FROM activity
  WHERE contributes = 1
  GROUP BY login
)
SELECT
  'repo' AS scope,
  n.repo AS name,
  a.month_start,
  COUNT(DISTINCT CASE WHEN a.contributes = 1 THEN a.login END) AS contributors,
  COUNT(DISTINCT a.login) AS active_actors,
  COUNT(DISTINCT CASE WHEN a.contributes = 1 AND f.first_month = a.month_start THEN a.login END) AS new_contributors,
  COUNT(DISTINCT CASE WHEN a.contributes = 1 AND f.first_month < a.month_start THEN a.login END) AS returning_contributors
FROM activity a
JOIN repo_language n ON n.repo_key = a.repo_key
LEFT JOIN first_in_repo f ON f.repo_key = a.repo_key AND f.login = a.login
GROUP BY n.repo, a.month_start
UNION ALL
SELECT
  'all' AS scope,
  '*' AS name,
  a.month_start,
  COUNT(DISTINCT CASE WHEN a.contributes = 1 THEN a.login END) AS contributors,
  COUNT(DISTINCT a.login) AS active_actors,
  COUNT(DISTINCT CASE WHEN a.contributes = 1 AND f.first_month = a.month_start THEN a.login END) AS new_contributors,
  COUNT(DISTINCT CASE WHEN a.contributes = 1 AND f.first_month < a.month_start THEN a.login END) AS returning_contributors
FROM activity a
LEFT JOIN first_anywhere f ON f.login = a.login
GROUP BY a.month_start
