-- 0032 price_days replaces price_daily (0005) and price_moves_daily (0031): one daily rollup per
-- series that also carries each day's drops, increases and list price, stored for reading one
-- product at a time. A cold chart of 3 months, a year or all time reads this one table; on the
-- `dromedary bench api` store (20.7M points) reading 4 products' daily history took 16.9 ms p50 from
-- price_daily and 12.7 ms from this layout (the chart statement before 0032, which also read
-- price_moves_daily, ~20 ms).
-- Columns: as price_daily (min/max/sum/count of prices, points, first and last observation packed
-- (checked_at << 32) | (price + 1), 0 = no offer), plus drops / increases (observations below / above
-- the series' previous price) and list_packed ((checked_at << 32) | (list_price + 1) of the `new`
-- series, 0 = none; a plain max keeps the latest). Every column is a SimpleAggregateFunction: query
-- with GROUP BY and min/max/sum, or merge the rows of one day yourself.
-- Storage: granules of 1,024 rows and compressed blocks of 8-32 KB (ZSTD; Delta on the time-like
-- columns) so that a product's few hundred rows decompress little beyond themselves: with the
-- defaults (8,192 rows, 64 KB-1 MB blocks) each read decompressed tens of thousands of neighbours'
-- rows. It costs ~20 % more disk than price_daily's layout (~4.0 bytes per price point here).
-- The copy of the old tables is one INSERT (their rows of one day merge in the background) with a
-- deduplication token, so that a run cut short and run again, or two processes migrating at once,
-- copy each block once (a TRUNCATE before the copy would let one process empty what another had
-- copied); every other statement is idempotent, and the old tables are dropped by 0033, after this
-- file is recorded. Deduplication remembers the last 10,000 blocks (~10 billion copied rows): on a
-- larger store, migrate from one process and TRUNCATE TABLE price_days before running a cut-short
-- copy again. Run with ingestion paused (as every migration): between dropping the old views and
-- creating the new one an insert would miss the rollup.
-- Rebuild: TRUNCATE TABLE price_days; INSERT INTO price_days SELECT <the view's SELECT> FROM
-- price_points [WHERE checked_at >= …], with ingestion paused.
CREATE TABLE IF NOT EXISTS price_days
(
    marketplace LowCardinality(String),
    asin String,
    series Enum8('new' = 1, 'amazon' = 2, 'new_3p' = 3, 'used' = 4, 'warehouse' = 5, 'refurbished' = 6, 'collectible' = 7),
    day Date CODEC(Delta, ZSTD(1)),
    min_price SimpleAggregateFunction(min, Nullable(UInt32)) CODEC(ZSTD(1)),
    max_price SimpleAggregateFunction(max, Nullable(UInt32)) CODEC(ZSTD(1)),
    price_sum SimpleAggregateFunction(sum, UInt64) CODEC(ZSTD(1)),
    priced_points SimpleAggregateFunction(sum, UInt64) CODEC(ZSTD(1)),
    points SimpleAggregateFunction(sum, UInt64) CODEC(ZSTD(1)),
    first_packed SimpleAggregateFunction(min, UInt64) CODEC(Delta, ZSTD(1)),
    last_packed SimpleAggregateFunction(max, UInt64) CODEC(Delta, ZSTD(1)),
    drops SimpleAggregateFunction(sum, UInt64) CODEC(ZSTD(1)),
    increases SimpleAggregateFunction(sum, UInt64) CODEC(ZSTD(1)),
    list_packed SimpleAggregateFunction(max, UInt64) CODEC(Delta, ZSTD(1))
)
ENGINE = AggregatingMergeTree
PARTITION BY toYear(day)
ORDER BY (marketplace, asin, series, day)
SETTINGS index_granularity = 1024, min_compress_block_size = 8192, max_compress_block_size = 32768, non_replicated_deduplication_window = 10000;

DROP VIEW IF EXISTS price_moves_daily_mv;

DROP VIEW IF EXISTS price_daily_mv;

DROP VIEW IF EXISTS price_days_mv;

INSERT INTO price_days
SELECT marketplace, asin, series, day, min_price, max_price, price_sum, priced_points, points, first_packed, last_packed, drops, increases, list_packed
FROM
(
    SELECT marketplace, asin, series, day, min_price, max_price, price_sum, priced_points, points, first_packed, last_packed,
           toUInt64(0) AS drops, toUInt64(0) AS increases, toUInt64(0) AS list_packed
    FROM price_daily
    UNION ALL
    -- Moves in rows of their own (no observation: NULL min/max, zero sums and points, first_packed at
    -- its largest value): neutral for every aggregate, merged into the day's row by the engine.
    SELECT marketplace, asin, series, day, NULL, NULL, 0, 0, 0, toUInt64(18446744073709551615), 0, drops, increases, list_packed
    FROM price_moves_daily
)
ORDER BY marketplace, asin, series, day
SETTINGS insert_deduplication_token = '0032_price_days', max_threads = 1;

CREATE MATERIALIZED VIEW IF NOT EXISTS price_days_mv TO price_days AS
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
    max(bitOr(bitShiftLeft(toUInt64(toUnixTimestamp(checked_at)), 32), if(price IS NULL, 0, toUInt64(price) + 1))) AS last_packed,
    countIf(price < previous_price) AS drops,
    countIf(price > previous_price) AS increases,
    max(if(list_price IS NULL OR series != 'new', toUInt64(0), bitOr(bitShiftLeft(toUInt64(toUnixTimestamp(checked_at)), 32), toUInt64(list_price) + 1))) AS list_packed
FROM price_points
GROUP BY marketplace, asin, series, day;
