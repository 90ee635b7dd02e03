-- 0005 price_hourly, price_daily: per series and hour/day, min/max/sum/count of prices (NULL prices =
-- no offer are not counted in min/max/avg but in `points`), and the first and last observation of
-- the bucket packed into one UInt64, (checked_at << 32) | (price + 1) with 0 for "no offer", so a
-- plain min/max finds them: every column is a SimpleAggregateFunction, cheap to insert and merge. Fed by materialized views from price_points. Query with GROUP BY and min/max/sum/
-- (rows merge in the background).
-- Rebuild: TRUNCATE TABLE price_hourly; INSERT INTO price_hourly SELECT <the view's SELECT> FROM
-- price_points [WHERE checked_at >= …] (same for price_daily), with ingestion paused.
CREATE TABLE IF NOT EXISTS price_hourly
(
    marketplace LowCardinality(String),
    asin String,
    series Enum8('new' = 1, 'amazon' = 2, 'new_3p' = 3, 'used' = 4, 'warehouse' = 5, 'refurbished' = 6, 'collectible' = 7),
    hour DateTime('UTC'),
    min_price SimpleAggregateFunction(min, Nullable(UInt32)),
    max_price SimpleAggregateFunction(max, Nullable(UInt32)),
    price_sum SimpleAggregateFunction(sum, UInt64),
    priced_points SimpleAggregateFunction(sum, UInt64),
    points SimpleAggregateFunction(sum, UInt64),
    first_packed SimpleAggregateFunction(min, UInt64),
    last_packed SimpleAggregateFunction(max, UInt64)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(hour)
ORDER BY (marketplace, asin, series, hour)
TTL hour + INTERVAL 3 YEAR
SETTINGS non_replicated_deduplication_window = 10000;

CREATE MATERIALIZED VIEW IF NOT EXISTS price_hourly_mv TO price_hourly AS
SELECT
    marketplace,
    asin,
    series,
    toStartOfHour(checked_at) AS hour,
    min(price) AS min_price,
    max(price) AS max_price,
    sum(toUInt64(ifNull(price, 0))) AS price_sum,
    countIf(price IS NOT NULL) AS priced_points,
    count() AS points,
    min(bitOr(bitShiftLeft(toUInt64(toUnixTimestamp(checked_at)), 32), if(price IS NULL, 0, toUInt64(price) + 1))) AS first_packed,
    max(bitOr(bitShiftLeft(toUInt64(toUnixTimestamp(checked_at)), 32), if(price IS NULL, 0, toUInt64(price) + 1))) AS last_packed
FROM price_points
GROUP BY marketplace, asin, series, hour;

CREATE TABLE IF NOT EXISTS price_daily
(
    marketplace LowCardinality(String),
    asin String,
    series Enum8('new' = 1, 'amazon' = 2, 'new_3p' = 3, 'used' = 4, 'warehouse' = 5, 'refurbished' = 6, 'collectible' = 7),
    day Date,
    min_price SimpleAggregateFunction(min, Nullable(UInt32)),
    max_price SimpleAggregateFunction(max, Nullable(UInt32)),
    price_sum SimpleAggregateFunction(sum, UInt64),
    priced_points SimpleAggregateFunction(sum, UInt64),
    points SimpleAggregateFunction(sum, UInt64),
    first_packed SimpleAggregateFunction(min, UInt64),
    last_packed SimpleAggregateFunction(max, UInt64)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYear(day)
ORDER BY (marketplace, asin, series, day)
SETTINGS non_replicated_deduplication_window = 10000;

CREATE MATERIALIZED VIEW IF NOT EXISTS price_daily_mv TO price_daily AS
SELECT
    marketplace,
    asin,
    series,
    toDate(checked_at) AS day,
    min(price) AS min_price,
    max(price) AS max_price,
    sum(toUInt64(ifNull(price, 0))) AS price_sum,
    countIf(price IS NOT NULL) AS priced_points,
    count() AS points,
    min(bitOr(bitShiftLeft(toUInt64(toUnixTimestamp(checked_at)), 32), if(price IS NULL, 0, toUInt64(price) + 1))) AS first_packed,
    max(bitOr(bitShiftLeft(toUInt64(toUnixTimestamp(checked_at)), 32), if(price IS NULL, 0, toUInt64(price) + 1))) AS last_packed
FROM price_points
GROUP BY marketplace, asin, series, day;
