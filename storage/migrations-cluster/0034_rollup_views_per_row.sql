-- 0034 The rollup views of price_hourly, price_days and price_stats write one row per price point
-- instead of aggregating each inserted block first (GROUP BY). Their tables are AggregatingMergeTrees
-- of SimpleAggregateFunctions, which merge rows of the same key in the background, and every reader
-- already groups (query functions) or merges rows of one bucket itself (charts), so the results are
-- the same. The GROUP BY saved nothing: an insert batch of 100,000 points holds one check of tens of
-- thousands of products, so it had one row per point to write anyway, and aggregating the block cost
-- ~25 % of the engine's CPU per point. Measured on the embedded engine, 3 million synthetic points
-- in 100,000-row inserts with all six views, merges included: 11.7 -> 8.8 CPU-us per point, and
-- 121,000 -> 175,000 points/s for the engine alone.
-- MODIFY QUERY swaps each SELECT atomically (ClickHouse 24.2 and later, no experimental setting):
-- no insert misses a view, and running the file again changes nothing.
-- Rebuild: as in 0005, 0006 and 0032, with the SELECTs below.
-- Cluster variant: the views of each shard's local tables.
ALTER TABLE price_hourly_mv ON CLUSTER ${CLUSTER} MODIFY QUERY
SELECT
    marketplace,
    asin,
    series,
    toStartOfHour(checked_at) AS hour,
    price AS min_price,
    price AS max_price,
    toUInt64(ifNull(price, 0)) AS price_sum,
    toUInt64(price IS NOT NULL) AS priced_points,
    toUInt64(1) AS points,
    bitOr(bitShiftLeft(toUInt64(toUnixTimestamp(checked_at)), 32), if(price IS NULL, 0, toUInt64(price) + 1)) AS first_packed,
    bitOr(bitShiftLeft(toUInt64(toUnixTimestamp(checked_at)), 32), if(price IS NULL, 0, toUInt64(price) + 1)) AS last_packed
FROM price_points_local;

ALTER TABLE price_days_mv ON CLUSTER ${CLUSTER} MODIFY QUERY
SELECT
    marketplace,
    asin,
    series,
    toDate(checked_at) AS day,
    price AS min_price,
    price AS max_price,
    toUInt64(ifNull(price, 0)) AS price_sum,
    toUInt64(price IS NOT NULL) AS priced_points,
    toUInt64(1) AS points,
    bitOr(bitShiftLeft(toUInt64(toUnixTimestamp(checked_at)), 32), if(price IS NULL, 0, toUInt64(price) + 1)) AS first_packed,
    bitOr(bitShiftLeft(toUInt64(toUnixTimestamp(checked_at)), 32), if(price IS NULL, 0, toUInt64(price) + 1)) AS last_packed,
    toUInt64(ifNull(price < previous_price, 0)) AS drops,
    toUInt64(ifNull(price > previous_price, 0)) AS increases,
    if(list_price IS NULL OR series != 'new', toUInt64(0), bitOr(bitShiftLeft(toUInt64(toUnixTimestamp(checked_at)), 32), toUInt64(list_price) + 1)) AS list_packed
FROM price_points_local;

ALTER TABLE price_stats_mv ON CLUSTER ${CLUSTER} MODIFY QUERY
SELECT
    marketplace, asin, series,
    bitOr(bitShiftLeft(toUInt64(price), 32), toUInt64(toUnixTimestamp(checked_at))) AS min_packed,
    bitOr(bitShiftLeft(toUInt64(price), 32), toUInt64(toUnixTimestamp(checked_at))) AS max_packed,
    toUInt64(ifNull(price, 0)) AS price_sum,
    toUInt64(price IS NOT NULL) AS priced_points,
    toUInt64(1) AS points,
    checked_at AS first_seen,
    checked_at AS last_seen
FROM price_points_local;
