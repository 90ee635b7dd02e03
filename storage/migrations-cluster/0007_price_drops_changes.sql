-- 0007 price_drops: every observation whose price is below the series' previous price, with the
-- absolute and relative drop (drives "top drops"). price_changes: every observation whose price
-- differs from its previous price, stock transitions included (price NULL <-> not NULL), keyed by
-- ingest_seq so the alerter reads it with a durable cursor (up to the committed watermark). The first
-- observation of a series is not a change. A view sees only the inserted block, so both compare the
-- previous price carried in each row, never another table.
-- Rebuild: TRUNCATE TABLE price_drops; INSERT INTO price_drops SELECT <the view's SELECT> FROM
-- price_points [WHERE checked_at >= …] (same for price_changes), with ingestion paused.
-- Cluster variant: each table is <name>_local (Replicated*MergeTree, on every replica of a shard)
-- plus <name> (Distributed over the cluster). Rows are sharded so one product stays on one shard;
-- views run on each shard's local tables. Rebuild steps apply to the _local tables on each shard.
CREATE TABLE IF NOT EXISTS price_drops_local ON CLUSTER ${CLUSTER}
(
    marketplace LowCardinality(String),
    asin String,
    series Enum8('new' = 1, 'amazon' = 2, 'new_3p' = 3, 'used' = 4, 'warehouse' = 5, 'refurbished' = 6, 'collectible' = 7),
    price UInt32,
    previous_price UInt32,
    drop_amount UInt32,
    drop_ratio Float32,
    currency LowCardinality(String),
    checked_at DateTime('UTC'),
    previous_checked_at Nullable(DateTime('UTC')),
    ingest_seq UInt64
)
ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/${DATABASE}/price_drops_local', '{replica}')
PARTITION BY toYYYYMM(checked_at)
ORDER BY (marketplace, checked_at, asin, series)
TTL checked_at + INTERVAL 2 YEAR
SETTINGS replicated_deduplication_window = 10000;

CREATE TABLE IF NOT EXISTS price_drops ON CLUSTER ${CLUSTER} AS price_drops_local
ENGINE = Distributed(${CLUSTER}, ${DATABASE}, price_drops_local, cityHash64(marketplace, asin));


CREATE MATERIALIZED VIEW IF NOT EXISTS price_drops_mv ON CLUSTER ${CLUSTER} TO price_drops_local AS
SELECT
    marketplace, asin, series,
    p AS price,
    pp AS previous_price,
    pp - p AS drop_amount,
    toFloat32((pp - p) / pp) AS drop_ratio,
    currency, checked_at, previous_checked_at, ingest_seq
FROM
(
    SELECT
        marketplace, asin, series, assumeNotNull(price) AS p, assumeNotNull(previous_price) AS pp,
        currency, checked_at, previous_checked_at, ingest_seq
    FROM price_points_local
    WHERE price IS NOT NULL AND previous_price IS NOT NULL AND price < previous_price
);


CREATE TABLE IF NOT EXISTS price_changes_local ON CLUSTER ${CLUSTER}
(
    marketplace LowCardinality(String),
    ingest_seq UInt64,
    asin String,
    series Enum8('new' = 1, 'amazon' = 2, 'new_3p' = 3, 'used' = 4, 'warehouse' = 5, 'refurbished' = 6, 'collectible' = 7),
    condition Enum8('new' = 1, 'used' = 2, 'refurbished' = 3, 'collectible' = 4),
    kind Enum8('drop' = 1, 'rise' = 2, 'back_in_stock' = 3, 'out_of_stock' = 4),
    price Nullable(UInt32),
    previous_price Nullable(UInt32),
    currency LowCardinality(String),
    checked_at DateTime('UTC'),
    previous_checked_at Nullable(DateTime('UTC'))
)
ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/${DATABASE}/price_changes_local', '{replica}')
PARTITION BY toYYYYMM(checked_at)
ORDER BY (marketplace, ingest_seq, asin, series)
TTL checked_at + INTERVAL 60 DAY
SETTINGS replicated_deduplication_window = 10000;

CREATE TABLE IF NOT EXISTS price_changes ON CLUSTER ${CLUSTER} AS price_changes_local
ENGINE = Distributed(${CLUSTER}, ${DATABASE}, price_changes_local, cityHash64(marketplace, asin));


CREATE MATERIALIZED VIEW IF NOT EXISTS price_changes_mv ON CLUSTER ${CLUSTER} TO price_changes_local AS
SELECT
    marketplace, ingest_seq, asin, series, condition,
    multiIf(price IS NULL, 'out_of_stock', previous_price IS NULL, 'back_in_stock', price < previous_price, 'drop', 'rise') AS kind,
    price, previous_price, currency, checked_at, previous_checked_at
FROM price_points_local
WHERE previous_checked_at IS NOT NULL
  AND (isNull(price) != isNull(previous_price) OR price != previous_price);
