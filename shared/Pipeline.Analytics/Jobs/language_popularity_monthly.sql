-- job: language_popularity_monthly
-- description: Language popularity per month: repositories created, new stars, events and active repositories.
--   A repository's language is the one its events report (payload.repository.language); events of
--   repositories whose language is unknown in the snapshot are left out.
-- inputs: events
-- output: trends_languages
-- key: language, month_start
-- period: month
-- period-column: month_start
WITH repo_language AS (
  SELECT repo, MAX(language) AS language
  FROM events
  WHERE language IS NOT NULL
  GROUP BY repo
)
SELECT
  l.language,
  CAST(date_trunc('month', e.created_at) AS DATE) AS month_start,
  COUNT(DISTINCT CASE WHEN e.type = 'create' AND e.ref_type = 'repository' THEN e.repo END) AS repos_created,
  COUNT(CASE WHEN e.type = 'watch' AND e.action = 'started' THEN 1 END) AS stars,
  COUNT(*) AS events,
  COUNT(DISTINCT e.repo) AS active_repos
FROM events e
JOIN repo_language l ON l.repo = e.repo
GROUP BY l.language, CAST(date_trunc('month', e.created_at) AS DATE)
