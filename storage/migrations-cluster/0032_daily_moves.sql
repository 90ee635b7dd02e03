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
-- insert would not reach the daily rollup. The copy goes through the Distributed tables (rows land on
-- their product's shard) with a deduplication token; after a run cut short during the copy, check
-- the day totals before running it again (a shard may already hold its part).
-- Cluster variant: the columns are added to price_daily_local and to the Distributed price_daily; the
-- view runs on each shard's price_points_local. Rebuild steps (see 0005) apply to the _local tables.
ALTER TABLE price_daily_local ON CLUSTER ${CLUSTER}
    ADD COLUMN IF NOT EXISTS drops SimpleAggregateFunction(sum, UInt64) DEFAULT 0 CODEC(ZSTD(1)),
    ADD COLUMN IF NOT EXISTS increases SimpleAggregateFunction(sum, UInt64) DEFAULT 0 CODEC(ZSTD(1)),
    ADD COLUMN IF NOT EXISTS list_packed SimpleAggregateFunction(max, UInt64) DEFAULT 0 CODEC(Delta, ZSTD(1));

ALTER TABLE price_daily ON CLUSTER ${CLUSTER}
    ADD COLUMN IF NOT EXISTS drops SimpleAggregateFunction(sum, UInt64) DEFAULT 0,
    ADD COLUMN IF NOT EXISTS increases SimpleAggregateFunction(sum, UInt64) DEFAULT 0,
    ADD COLUMN IF NOT EXISTS list_packed SimpleAggregateFunction(max, UInt64) DEFAULT 0;

DROP VIEW IF EXISTS price_moves_daily_mv ON CLUSTER ${CLUSTER};

DROP VIEW IF EXISTS price_daily_mv ON CLUSTER ${CLUSTER};

CREATE MATERIALIZED VIEW IF NOT EXISTS price_daily_mv ON CLUSTER ${CLUSTER} TO price_daily_local AS
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
FROM price_points_local
GROUP BY marketplace, asin, series, day;

INSERT INTO price_daily (marketplace, asin, series, day, min_price, max_price, price_sum, priced_points, points, first_packed, last_packed, drops, increases, list_packed)
SELECT marketplace, asin, series, day, NULL, NULL, 0, 0, 0, toUInt64(18446744073709551615), 0, sum(drops), sum(increases), max(list_packed)
FROM price_moves_daily
GROUP BY marketplace, asin, series, day
ORDER BY marketplace, asin, series, day
SETTINGS insert_deduplication_token = '0032_daily_moves', distributed_foreground_insert = 1;
