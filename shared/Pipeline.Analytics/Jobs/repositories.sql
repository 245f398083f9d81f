-- job: repositories
-- description: The repositories seen in events, by display name, with their latest known language (repositories
--   table, else what the events name, else 'unknown'): the dashboard's repository and language filters.
-- inputs: events, repositories
-- output: trends_repositories
-- key: repo
-- period: none
SELECT
  COALESCE(MAX(r.repo), MAX(e.repo)) AS repo,
  COALESCE(MAX(r.language), MAX(e.language), 'unknown') AS language
FROM events e
LEFT JOIN repositories r ON r.repo_key = e.repo_key
GROUP BY e.repo_key
