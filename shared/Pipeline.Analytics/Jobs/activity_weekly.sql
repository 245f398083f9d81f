-- job: activity_weekly
-- description: All repositories together per ISO week: events, new stars, forks, issues and pull requests, pushes,
--   distinct actors and active repositories (the dashboard's year-over-year overlay reads one document per week).
-- inputs: events
-- output: trends_activity_weekly
-- key: week_start
-- period: week
-- period-column: week_start
SELECT
  CAST(date_trunc('week', created_at) AS DATE) AS week_start,
  COUNT(*) AS events,
  COUNT(CASE WHEN type = 'watch' AND action = 'started' THEN 1 END) AS stars,
  COUNT(CASE WHEN type = 'fork' THEN 1 END) AS forks,
  COUNT(CASE WHEN type = 'issues' AND action = 'opened' THEN 1 END) AS issues_opened,
  COUNT(CASE WHEN type = 'issues' AND action = 'closed' THEN 1 END) AS issues_closed,
  COUNT(CASE WHEN type = 'pull_request' AND action = 'opened' THEN 1 END) AS prs_opened,
  COUNT(CASE WHEN type = 'pull_request' AND action = 'closed' AND merged = TRUE THEN 1 END) AS prs_merged,
  COUNT(CASE WHEN type = 'push' THEN 1 END) AS pushes,
  COUNT(DISTINCT actor) AS actors,
  COUNT(DISTINCT repo) AS repos
FROM events
GROUP BY CAST(date_trunc('week', created_at) AS DATE)
