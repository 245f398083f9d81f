-- job: events_per_type_daily
-- description: Events per GitHub event type per day, with the distinct actors and repositories behind them.
-- inputs: events
-- output: trends_activity
-- key: type, event_day
-- period: day
-- period-column: event_day
SELECT
  CAST(created_at AS DATE) AS event_day,
  type,
  COUNT(*) AS events,
  COUNT(DISTINCT actor) AS actors,
  COUNT(DISTINCT repo) AS repos
FROM events
GROUP BY CAST(created_at AS DATE), type
