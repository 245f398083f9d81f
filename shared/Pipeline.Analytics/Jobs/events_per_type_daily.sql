-- job: events_per_type_daily
-- description: Activities per GitHub event type per day (distinct activity keys, so an activity several sources
--   delivered counts once), with the distinct actors and repositories behind them.
-- inputs: events
-- output: trends_activity
-- key: type, event_day
-- period: day
-- period-column: event_day
SELECT
  CAST(created_at AS DATE) AS event_day,
  type,
  COUNT(DISTINCT activity_key) AS events,
  COUNT(DISTINCT LOWER(actor)) AS actors,
  COUNT(DISTINCT repo_key) AS repos
FROM events
GROUP BY CAST(created_at AS DATE), type
