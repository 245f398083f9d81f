-- job: top_growing_monthly
-- description: Per repository and month: new stars, events and distinct actors, next to the same month a year earlier,
--   so the serving layer can rank repositories by growth over any range of months. star_delta_rank orders the month's
--   repositories by star growth (1 = most), so serving reads only the leading candidates.
-- inputs: events
-- output: trends_top_growing
-- key: repo, month_start
-- period: month
-- period-column: month_start
-- lookback-years: 1
WITH repo_language AS (
  SELECT repo, MAX(language) AS language
  FROM events
  WHERE language IS NOT NULL
  GROUP BY repo
),
monthly AS (
  SELECT
    repo,
    year(created_at) AS yr,
    month(created_at) AS mon,
    CAST(date_trunc('month', created_at) AS DATE) AS month_start,
    COUNT(CASE WHEN type = 'watch' AND action = 'started' THEN 1 END) AS stars,
    COUNT(*) AS events,
    COUNT(DISTINCT actor) AS actors
  FROM events
  GROUP BY repo, year(created_at), month(created_at), CAST(date_trunc('month', created_at) AS DATE)
)
SELECT
  cur.repo,
  cur.month_start,
  l.language,
  cur.stars,
  cur.events,
  cur.actors,
  COALESCE(prev.stars, 0) AS stars_prev_year,
  COALESCE(prev.events, 0) AS events_prev_year,
  COALESCE(prev.actors, 0) AS actors_prev_year,
  cur.stars - COALESCE(prev.stars, 0) AS star_delta,
  ROW_NUMBER() OVER (PARTITION BY cur.month_start ORDER BY cur.stars - COALESCE(prev.stars, 0) DESC, cur.repo) AS star_delta_rank
FROM monthly cur
LEFT JOIN monthly prev
  ON prev.repo = cur.repo AND prev.yr = cur.yr - 1 AND prev.mon = cur.mon
LEFT JOIN repo_language l ON l.repo = cur.repo
