-- 0004 crawl_outcomes: every check's outcome, successful or not (a failed check is recorded here and
-- never as a price). Kept 180 days (TTL). Written by the ingester from IngestEnvelope.outcomes.
-- Not derived: nothing to rebuild.
-- Cluster variant: each table is <name>_local (Replicated*MergeTree, on every replica of a shard)
-- plus <name> (Distributed over the cluster). Rows are sharded so one product stays on one shard;
-- views run on each shard's local tables. Rebuild steps apply to the _local tables on each shard.
CREATE TABLE IF NOT EXISTS crawl_outcomes_local ON CLUSTER ${CLUSTER}
(
    marketplace LowCardinality(String),
    asin String,
    outcome Enum8('ok' = 1, 'captcha' = 2, 'blocked' = 3, 'not_found' = 4, 'parse_failure' = 5, 'timeout' = 6, 'network_error' = 7, 'http_error' = 8),
    http_status Nullable(UInt16),
    detail String CODEC(ZSTD(3)),
    checked_at DateTime64(3, 'UTC') CODEC(Delta, ZSTD(1)),
    crawler_id LowCardinality(String),
    check_id String CODEC(ZSTD(3)),
    duration_ms UInt32,
    bytes UInt32,
    ingest_seq UInt64 CODEC(Delta, ZSTD(1))
)
ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/${DATABASE}/crawl_outcomes_local', '{replica}')
PARTITION BY toYYYYMM(checked_at)
ORDER BY (marketplace, asin, checked_at)
TTL toDateTime(checked_at) + INTERVAL 180 DAY
SETTINGS replicated_deduplication_window = 10000;

CREATE TABLE IF NOT EXISTS crawl_outcomes ON CLUSTER ${CLUSTER} AS crawl_outcomes_local
ENGINE = Distributed(${CLUSTER}, ${DATABASE}, crawl_outcomes_local, cityHash64(marketplace, asin));
