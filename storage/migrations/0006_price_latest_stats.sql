-- 0006 price_latest: the latest observation per series (ReplacingMergeTree(checked_at); query with
-- FINAL). price_stats: all-time statistics per series: lowest/highest price and when — packed as
-- (price << 32) | checked_at so a plain min/max keeps both (NULL prices are ignored) — first/last
-- seen, number of points (AggregatingMergeTree of SimpleAggregateFunctions; query with GROUP BY).
-- Rebuild: TRUNCATE TABLE price_latest; INSERT INTO price_latest SELECT <the view's SELECT> FROM
-- price_points (same for price_stats), with ingestion paused.
CREATE TABLE IF NOT EXISTS price_latest
(
    marketplace LowCardinality(String),
    asin String,
    series Enum8('new' = 1, 'amazon' = 2, 'new_3p' = 3, 'used' = 4, 'warehouse' = 5, 'refurbished' = 6, 'collectible' = 7),
    condition Enum8('new' = 1, 'used' = 2, 'refurbished' = 3, 'collectible' = 4),
    seller_kind Enum8('amazon' = 1, 'third_party' = 2, 'warehouse' = 3, 'unknown' = 4),
    price Nullable(UInt32),
    previous_price Nullable(UInt32),
    currency LowCardinality(String),
    list_price Nullable(UInt32),
    is_buy_box Bool,
    availability Enum8('in_stock' = 1, 'out_of_stock' = 2, 'unknown' = 3),
    offer_count Nullable(UInt16),
    checked_at DateTime('UTC')
)
ENGINE = ReplacingMergeTree(checked_at)
ORDER BY (marketplace, asin, series)
SETTINGS non_replicated_deduplication_window = 10000;

CREATE MATERIALIZED VIEW IF NOT EXISTS price_latest_mv TO price_latest AS
SELECT
    marketplace, asin, series, condition, seller_kind, price, previous_price, currency, list_price,
    is_buy_box, availability, offer_count, checked_at
FROM price_points;

CREATE TABLE IF NOT EXISTS price_stats
(
    marketplace LowCardinality(String),
    asin String,
    series Enum8('new' = 1, 'amazon' = 2, 'new_3p' = 3, 'used' = 4, 'warehouse' = 5, 'refurbished' = 6, 'collectible' = 7),
    min_packed SimpleAggregateFunction(min, Nullable(UInt64)),
    max_packed SimpleAggregateFunction(max, Nullable(UInt64)),
    price_sum SimpleAggregateFunction(sum, UInt64),
    priced_points SimpleAggregateFunction(sum, UInt64),
    points SimpleAggregateFunction(sum, UInt64),
    first_seen SimpleAggregateFunction(min, DateTime('UTC')),
    last_seen SimpleAggregateFunction(max, DateTime('UTC'))
)
ENGINE = AggregatingMergeTree
ORDER BY (marketplace, asin, series)
SETTINGS non_replicated_deduplication_window = 10000;

CREATE MATERIALIZED VIEW IF NOT EXISTS price_stats_mv TO price_stats AS
SELECT
    marketplace, asin, series,
    min(bitOr(bitShiftLeft(toUInt64(price), 32), toUInt64(toUnixTimestamp(checked_at)))) AS min_packed,
    max(bitOr(bitShiftLeft(toUInt64(price), 32), toUInt64(toUnixTimestamp(checked_at)))) AS max_packed,
    sum(toUInt64(ifNull(price, 0))) AS price_sum,
    countIf(price IS NOT NULL) AS priced_points,
    count() AS points,
    min(checked_at) AS first_seen,
    max(checked_at) AS last_seen
FROM price_points
GROUP BY marketplace, asin, series;
