-- 0008 users, trackings, alerts: base columns; later migrations add what the alerts and API parts need.
-- users and trackings are ReplacingMergeTree(version, is_deleted): write a new version to change a
-- row, with is_deleted = 1 to delete it; query with FINAL. alerts follow pending -> sent / failed with
-- attempts, one row per version (ReplacingMergeTree(version)). Not derived: nothing to rebuild.
-- Cluster variant: each table is <name>_local (Replicated*MergeTree, on every replica of a shard)
-- plus <name> (Distributed over the cluster). Rows are sharded so one product stays on one shard;
-- views run on each shard's local tables. Rebuild steps apply to the _local tables on each shard.
CREATE TABLE IF NOT EXISTS users_local ON CLUSTER ${CLUSTER}
(
    user_id UUID,
    email String,
    created_at DateTime64(3, 'UTC'),
    version UInt64,
    is_deleted UInt8 DEFAULT 0
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/${DATABASE}/users_local', '{replica}', version, is_deleted)
ORDER BY user_id;

CREATE TABLE IF NOT EXISTS users ON CLUSTER ${CLUSTER} AS users_local
ENGINE = Distributed(${CLUSTER}, ${DATABASE}, users_local, cityHash64(user_id));


CREATE TABLE IF NOT EXISTS trackings_local ON CLUSTER ${CLUSTER}
(
    tracking_id UUID,
    user_id UUID,
    marketplace LowCardinality(String),
    asin String,
    series Enum8('new' = 1, 'amazon' = 2, 'new_3p' = 3, 'used' = 4, 'warehouse' = 5, 'refurbished' = 6, 'collectible' = 7),
    target_price Nullable(UInt32),
    drop_percent Nullable(Float32),
    created_at DateTime64(3, 'UTC'),
    version UInt64,
    is_deleted UInt8 DEFAULT 0
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/${DATABASE}/trackings_local', '{replica}', version, is_deleted)
ORDER BY (marketplace, asin, tracking_id);

CREATE TABLE IF NOT EXISTS trackings ON CLUSTER ${CLUSTER} AS trackings_local
ENGINE = Distributed(${CLUSTER}, ${DATABASE}, trackings_local, cityHash64(marketplace, asin));


CREATE TABLE IF NOT EXISTS alerts_local ON CLUSTER ${CLUSTER}
(
    alert_id String,
    tracking_id UUID,
    user_id UUID,
    marketplace LowCardinality(String),
    asin String,
    series Enum8('new' = 1, 'amazon' = 2, 'new_3p' = 3, 'used' = 4, 'warehouse' = 5, 'refurbished' = 6, 'collectible' = 7),
    price Nullable(UInt32),
    previous_price Nullable(UInt32),
    currency LowCardinality(String),
    state Enum8('pending' = 1, 'sent' = 2, 'failed' = 3),
    attempts UInt16,
    last_error String,
    created_at DateTime64(3, 'UTC'),
    updated_at DateTime64(3, 'UTC'),
    version UInt64
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/${DATABASE}/alerts_local', '{replica}', version)
ORDER BY alert_id;

CREATE TABLE IF NOT EXISTS alerts ON CLUSTER ${CLUSTER} AS alerts_local
ENGINE = Distributed(${CLUSTER}, ${DATABASE}, alerts_local, cityHash64(marketplace, asin));
