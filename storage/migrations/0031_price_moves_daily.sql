-- 0031 price_moves_daily: per series and day, the number of price drops and increases (observations
-- whose price differs from the series' previous price) and the day's last list price, packed as
-- (checked_at << 32) | (list_price + 1) so a plain max keeps the latest (0 = none). Charts and
-- statistics read it instead of the raw points: a product's year is a few hundred narrow rows.
-- Only changed observations and the `new` series' list prices reach it, so it stays small.
-- AggregatingMergeTree of SimpleAggregateFunctions: query with GROUP BY and sum/max.
-- A small index granularity: it is read by product, a year at a time.
-- Rebuild: TRUNCATE TABLE price_moves_daily; INSERT INTO price_moves_daily SELECT <the view's SELECT>
-- FROM price_points [WHERE checked_at >= …], with ingestion paused.
CREATE TABLE IF NOT EXISTS price_moves_daily
(
    marketplace LowCardinality(String),
    asin String,
    series Enum8('new' = 1, 'amazon' = 2, 'new_3p' = 3, 'used' = 4, 'warehouse' = 5, 'refurbished' = 6, 'collectible' = 7),
    day Date,
    drops SimpleAggregateFunction(sum, UInt64),
    increases SimpleAggregateFunction(sum, UInt64),
    list_packed SimpleAggregateFunction(max, UInt64)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYear(day)
ORDER BY (marketplace, asin, series, day)
SETTINGS index_granularity = 1024, non_replicated_deduplication_window = 10000;

CREATE MATERIALIZED VIEW IF NOT EXISTS price_moves_daily_mv TO price_moves_daily AS
SELECT
    marketplace,
    asin,
    series,
    toDate(checked_at) AS day,
    countIf(price < previous_price) AS drops,
    countIf(price > previous_price) AS increases,
    max(if(list_price IS NULL OR series != 'new', toUInt64(0), bitOr(bitShiftLeft(toUInt64(toUnixTimestamp(checked_at)), 32), toUInt64(list_price) + 1))) AS list_packed
FROM price_points
WHERE (price IS NOT NULL AND previous_price IS NOT NULL AND price != previous_price) OR (series = 'new' AND list_price IS NOT NULL)
GROUP BY marketplace, asin, series, day;
