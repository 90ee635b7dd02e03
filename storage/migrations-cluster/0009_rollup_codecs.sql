-- 0009 codecs of the hourly and daily rollups, chosen by measurement. With the default (LZ4) the
-- rollups took ~3x the disk of price_points itself: on the `dromedary bench api` store (20.7M points,
-- merged) price_hourly held 14.2 and price_daily 7.9 bytes per price point (the packed first/last
-- columns alone 11.4 and 6.0). Rows are sorted by product, series and time, so Delta on the packed
-- (time << 32 | price) values and the bucket times leaves small, repetitive differences for ZSTD:
-- 4.8 and 3.0 bytes per point after this change; a cold chart's statement took the same time within
-- noise (p50 15-16 ms). Parts written before it are recompressed by merges (or OPTIMIZE ... FINAL).
-- Rebuild: nothing to rebuild; the tables keep their rows (see 0005 for rebuilding them).
-- Cluster variant: the codecs belong to the _local tables (Distributed tables hold no data).
ALTER TABLE price_hourly_local ON CLUSTER ${CLUSTER}
    MODIFY COLUMN hour DateTime('UTC') CODEC(Delta, ZSTD(1)),
    MODIFY COLUMN min_price SimpleAggregateFunction(min, Nullable(UInt32)) CODEC(ZSTD(1)),
    MODIFY COLUMN max_price SimpleAggregateFunction(max, Nullable(UInt32)) CODEC(ZSTD(1)),
    MODIFY COLUMN price_sum SimpleAggregateFunction(sum, UInt64) CODEC(ZSTD(1)),
    MODIFY COLUMN priced_points SimpleAggregateFunction(sum, UInt64) CODEC(ZSTD(1)),
    MODIFY COLUMN points SimpleAggregateFunction(sum, UInt64) CODEC(ZSTD(1)),
    MODIFY COLUMN first_packed SimpleAggregateFunction(min, UInt64) CODEC(Delta, ZSTD(1)),
    MODIFY COLUMN last_packed SimpleAggregateFunction(max, UInt64) CODEC(Delta, ZSTD(1));

ALTER TABLE price_daily_local ON CLUSTER ${CLUSTER}
    MODIFY COLUMN day Date CODEC(Delta, ZSTD(1)),
    MODIFY COLUMN min_price SimpleAggregateFunction(min, Nullable(UInt32)) CODEC(ZSTD(1)),
    MODIFY COLUMN max_price SimpleAggregateFunction(max, Nullable(UInt32)) CODEC(ZSTD(1)),
    MODIFY COLUMN price_sum SimpleAggregateFunction(sum, UInt64) CODEC(ZSTD(1)),
    MODIFY COLUMN priced_points SimpleAggregateFunction(sum, UInt64) CODEC(ZSTD(1)),
    MODIFY COLUMN points SimpleAggregateFunction(sum, UInt64) CODEC(ZSTD(1)),
    MODIFY COLUMN first_packed SimpleAggregateFunction(min, UInt64) CODEC(Delta, ZSTD(1)),
    MODIFY COLUMN last_packed SimpleAggregateFunction(max, UInt64) CODEC(Delta, ZSTD(1));
