-- job: top_growing_monthly
-- description: Per repository and month: new stars, activities and distinct actors, next to the same month a year
--   earlier, so the serving layer can rank repositories by growth over any range of months. star_delta_rank orders the
--   month's repositories by star growth (1 = most), so serving reads only the leading candidates. Repositories are
--   grouped by repo_key and shown by display name with their latest known language ('unknown' when none).
-- inputs: events, repo_language
-- output: trends_top_growing
-- key: repo, month_start
-- period: month
-- period-column: month_start
-- lookback-years: 1
WITH monthly AS (
  SELECT
    repo_key,
    year(created_at) AS yr,
    month(created_at) AS mon,
    CAST(date_trunc('month', created_at) AS DATE) AS month_start,
    COUNT(DISTINCT CASE WHEN (type = 'watch' AND action = 'started') OR (type = 'star' AND action = 'created') THEN activity_key END) AS stars,
    COUNT(DISTINCT activity_key) AS events,
    COUNT(DISTINCT LOWER(actor)) AS actors
  FROM events
  GROUP BY repo_key, year(created_at), month(created_at), CAST(date_trunc('month', created_at) AS DATE)
)
SELECT
  l.repo,
  cur.month_start,
  l.language,
  cur.stars,
  cur.events,
  cur.actors,
  COALESCE(prev.stars, 0) AS stars_prev_year,
  COALESCE(prev.events, 0) AS events_prev_year,
  COALESCE(prev.actors, 0) AS actors_prev_year,
  cur.stars - COALESCE(prev.stars, 0) AS star_delta,
  ROW_NUMBER() OVER (PARTITION BY cur.month_start ORDER BY cur.stars - COALESCE(prev.stars, 0) DESC, l.repo) AS star_delta_rank
FROM monthly cur
LEFT JOIN monthly prev
  ON prev.repo_key = cur.repo_key AND prev.yr = cur.yr - 1 AND prev.mon = cur.mon
JOIN repo_language l ON l.repo_key = cur.repo_key
