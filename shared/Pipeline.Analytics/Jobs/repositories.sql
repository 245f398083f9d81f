-- job: repositories
-- description: The repositories seen in events, by display name, with their latest known language (repositories
--   table, else what the events name, else 'unknown'): the dashboard's repository and language filters.
-- inputs: events, repo_language
-- output: trends_repositories
-- key: repo
-- period: none
SELECT repo, language
FROM repo_language
