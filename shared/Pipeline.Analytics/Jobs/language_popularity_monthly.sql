-- job: language_popularity_monthly
-- description: Language popularity per month: repositories created, new stars, activities and active repositories.
--   Every event of a repository counts for the repository's latest known language, joined on the repository: the
--   repositories table (the store's projection, fed by webhook repository objects, GH Archive pull-request base repos
--   and the poller's REST metadata), else a language the snapshot's own events name; repositories no source names a
--   language for count under 'unknown', never dropped. Counts are of distinct activity keys.
-- inputs: events, repo_language
-- output: trends_languages
-- key: language, month_start
-- period: month
-- period-column: month_start
SELECT
  l.language,
  CAST(date_trunc('month', e.created_at) AS DATE) AS month_start,
  COUNT(DISTINCT CASE WHEN e.type = 'create' AND e.ref_type = 'repository' THEN e.repo_key END) AS repos_created,
  COUNT(DISTINCT CASE WHEN (e.type = 'watch' AND e.action = 'started') OR (e.type = 'star' AND e.action = 'created') THEN e.activity_key END) AS stars,
  COUNT(DISTINCT e.activity_key) AS events,
  COUNT(DISTINCT e.repo_key) AS active_repos
FROM events e
JOIN repo_language l ON l.repo_key = e.repo_key
GROUP BY l.language, CAST(date_trunc('month', e.created_at) AS DATE)
