-- 0002 catalog: the set of tracked (marketplace, asin) the crawl schedule is rebuilt from, with its
-- state (active / paused / retired / removed), when and how it was added, and a version: the row with
-- the highest version wins (ReplacingMergeTree(version); query with FINAL). Not derived.
-- Cluster variant: each table is <name>_local (Replicated*MergeTree, on every replica of a shard)
-- plus <name> (Distributed over the cluster). Rows are sharded so one product stays on one shard;
-- views run on each shard's local tables. Rebuild steps apply to the _local tables on each shard.
CREATE TABLE IF NOT EXISTS catalog_local ON CLUSTER ${CLUSTER}
(
    marketplace LowCardinality(String),
    asin String,
    state Enum8('active' = 1, 'paused' = 2, 'retired' = 3, 'removed' = 4),
    added_at DateTime64(3, 'UTC'),
    source LowCardinality(String),
    version UInt64,
    updated_at DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/${DATABASE}/catalog_local', '{replica}', version)
ORDER BY (marketplace, asin);

CREATE TABLE IF NOT EXISTS catalog ON CLUSTER ${CLUSTER} AS catalog_local
ENGINE = Distributed(${CLUSTER}, ${DATABASE}, catalog_local, cityHash64(marketplace, asin));
