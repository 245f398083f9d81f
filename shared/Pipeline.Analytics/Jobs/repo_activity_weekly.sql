-- job: repo_activity_weekly
-- description: New stars, forks, issues and pull requests (and all events) per repository per ISO week (Monday start).
-- inputs: events
-- output: trends_repo_weekly
-- key: repo, week_start
-- period: week
-- period-column: week_start
WITH repo_language AS (
  SELECT repo, MAX(language) AS language
  FROM events
  WHERE language IS NOT NULL
  GROUP BY repo
),
weekly AS (
  SELECT
    repo,
    CAST(date_trunc('week', created_at) AS DATE) AS week_start,
    COUNT(*) AS events,
    COUNT(CASE WHEN type = 'watch' AND action = 'started' THEN 1 END) AS stars,
    COUNT(CASE WHEN type = 'fork' THEN 1 END) AS forks,
    COUNT(CASE WHEN type = 'issues' AND action = 'opened' THEN 1 END) AS issues_opened,
    COUNT(CASE WHEN type = 'issues' AND action = 'closed' THEN 1 END) AS issues_closed,
    COUNT(CASE WHEN type = 'pull_request' AND action = 'opened' THEN 1 END) AS prs_opened,
    COUNT(CASE WHEN type = 'pull_request' AND action = 'closed' AND merged = TRUE THEN 1 END) AS prs_merged,
    COUNT(CASE WHEN type = 'push' THEN 1 END) AS pushes
  FROM events
  GROUP BY repo, CAST(date_trunc('week', created_at) AS DATE)
)
SELECT
  w.repo,
  w.week_start,
  l.language,
  w.events,
  w.stars,
  w.forks,
  w.issues_opened,
  w.issues_closed,
  w.prs_opened,
  w.prs_merged,
  w.pushes
FROM weekly w
LEFT JOIN repo_language l ON l.repo = w.repo
