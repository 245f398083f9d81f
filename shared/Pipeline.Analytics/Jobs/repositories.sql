-- job: repositories
-- description: The repositories seen in events and their language: the dashboard's repository and language filters.
-- inputs: events
-- output: trends_repositories
-- key: repo
-- period: none
SELECT
  repo,
  MAX(language) AS language
FROM events
GROUP BY repo
