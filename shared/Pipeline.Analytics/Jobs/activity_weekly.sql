-- job: activity_weekly
-- description: All repositories together per ISO week: activities, new stars, forks, issues and pull requests opened
--   and closed (merged and closed unmerged apart), pushes, distinct actors and active repositories (the dashboard's
--   year-over-year overlays read one document per week). Every count is of distinct activity keys, so one GitHub
--   activity delivered by several sources (webhook, poller, GH Archive) counts once; a star is watch started or star
--   created (one key for both).
-- inputs: events
-- output: trends_activity_weekly
-- key: week_start
-- period: week
-- period-column: week_start
SELECT
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
  COUNT(DISTINCT CASE WHEN type = 'push' THEN activity_key END) AS pushes,
  COUNT(DISTINCT LOWER(actor)) AS actors,
  COUNT(DISTINCT repo_key) AS repos
FROM events
GROUP BY CAST(date_trunc('week', created_at) AS DATE)
