-- 0032 price_daily carries each day's drops, increases and list price (what price_moves_daily held,
-- migration 0031), so a cold chart of 3 months, a year or all time reads one table instead of two:
-- on the `dromedary bench api` store (20.7M points) its statement went from ~20 to ~16 ms (p50, alone)
-- and the daily table with the three columns is smaller than the two tables were (68 vs 77 MB).
-- drops / increases: observations whose price is below / above the series' previous price;
-- list_packed: (checked_at << 32) | (list_price + 1) of the `new` series, 0 = none (a plain max keeps
-- the latest). Existing moves are copied from price_moves_daily in rows of their own (no observation:
-- NULL min/max, zero sums and points, first_packed at its largest value), which the engine merges
-- into the day's row; every reader aggregates price_daily, so those rows change no other figure.
-- price_moves_daily stops being fed here and is dropped by 0033.
-- Run with ingestion paused (as every migration): between dropping and re-creating price_daily_mv an
-- insert would not reach the daily rollup. The copy carries a deduplication token, so a run cut short
-- and run again does not copy twice.
-- Rebuild: TRUNCATE TABLE price_daily; INSERT INTO price_daily SELECT <the view's SELECT> FROM
-- price_points [WHERE checked_at >= …], with ingestion paused.
ALTER TABLE price_daily
    ADD COLUMN IF NOT EXISTS drops SimpleAggregateFunction(sum, UInt64) DEFAULT 0 CODEC(ZSTD(1)),
    ADD COLUMN IF NOT EXISTS increases SimpleAggregateFunction(sum, UInt64) DEFAULT 0 CODEC(ZSTD(1)),
    ADD COLUMN IF NOT EXISTS list_packed SimpleAggregateFunction(max, UInt64) DEFAULT 0 CODEC(Delta, ZSTD(1));

DROP VIEW IF EXISTS price_moves_daily_mv;

DROP VIEW IF EXISTS price_daily_mv;

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
    max(bitOr(bitShiftLeft(toUInt64(toUnixTimestamp(checked_at)), 32), if(price IS NULL, 0, toUInt64(price) + 1))) AS last_packed,
    countIf(price < previous_price) AS drops,
    countIf(price > previous_price) AS increases,
    max(if(list_price IS NULL OR series != 'new', toUInt64(0), bitOr(bitShiftLeft(toUInt64(toUnixTimestamp(checked_at)), 32), toUInt64(list_price) + 1))) AS list_packed
FROM price_points
GROUP BY marketplace, asin, series, day;

INSERT INTO price_daily (marketplace, asin, series, day, min_price, max_price, price_sum, priced_points, points, first_packed, last_packed, drops, increases, list_packed)
SELECT marketplace, asin, series, day, NULL, NULL, 0, 0, 0, toUInt64(18446744073709551615), 0, sum(drops), sum(increases), max(list_packed)
FROM price_moves_daily
GROUP BY marketplace, asin, series, day
ORDER BY marketplace, asin, series, day
SETTINGS insert_deduplication_token = '0032_daily_moves', max_threads = 1;
