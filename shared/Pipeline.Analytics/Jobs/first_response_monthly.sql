-- job: first_response_monthly
-- description: Issue time to first response: hours from an issue's creation to the first comment by someone other
--   than its author (p50, p85), per month of that first response, per repository, per language and over all
--   repositories (scope = repo | language | all). Comments on pull requests are left out. The comment's payload names
--   the issue's author and creation time, so issues opened before the stored history still count. Reads the whole
--   history up to each month (history: all), because a first response is first only against everything before it.
-- inputs: events, repo_language
-- output: trends_first_response
-- key: scope, name, month_start
-- period: month
-- period-column: month_start
-- history: all
WITH responses AS (
  SELECT
    repo_key,
    number,
    MIN(item_created_epoch) AS opened_epoch,
    MIN(created_epoch) AS first_epoch,
    MIN(created_at) AS first_at
  FROM events
  WHERE type = 'issue_comment'
    AND action = 'created'
    AND item_kind = 'issue'
    AND number IS NOT NULL
    AND item_created_epoch IS NOT NULL
    AND actor IS NOT NULL
    AND (item_author IS NULL OR LOWER(actor) <> LOWER(item_author))
  GROUP BY repo_key, number
),
firsts AS (
  SELECT
    l.repo,
    l.language,
    CAST(date_trunc('month', r.first_at) AS DATE) AS month_start,
    r.first_epoch - r.opened_epoch AS response_seconds
  FROM responses r
  JOIN repo_language l ON l.repo_key = r.repo_key
  WHERE r.first_epoch >= r.opened_epoch
)
SELECT
  CASE WHEN GROUPING(repo) = 0 THEN 'repo' WHEN GROUPING(language) = 0 THEN 'language' ELSE 'all' END AS scope,
  CASE WHEN GROUPING(repo) = 0 THEN repo WHEN GROUPING(language) = 0 THEN language ELSE '*' END AS name,
  month_start,
  COUNT(*) AS issues,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY response_seconds) / 3600.0 AS p50_hours,
  percentile_cont(0.85) WITHIN GROUP (ORDER BY response_seconds) / 3600.0 AS p85_hours
FROM firsts
GROUP BY GROUPING SETS ((repo, month_start), (language, month_start), (month_start))
