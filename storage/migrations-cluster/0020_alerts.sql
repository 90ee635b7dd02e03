-- 0020 alerts: what users, trackings and alerts need beyond the base columns of 0008, the alerter's
-- durable cursor, and the ingestion time of every price change.
-- users: double opt-in (verified_at) and one-click unsubscribe (unsubscribed_at).
-- trackings: condition (new / used / refurbished / any) and Amazon-only, the rules (target_price and
-- drop_percent from 0008, drop_amount, all_time_low, back_in_stock), the channels (email, webhook URL
-- and its signing secret), and baseline_seq: the committed ingest watermark when the rules were set —
-- changes at or below it were already judged against the latest price then.
-- alerts: one row per (trigger, channel) and version: alert_key is the trigger's idempotency key
-- (tracking, marketplace, ingest_seq, series, check time), alert_id = alert_key + '/' + channel; a
-- delivery goes pending -> sent / failed / cancelled, each step a higher version.
-- price_changes.ingested_at: filled by its default when the view inserts (the view does not name it),
-- so it is the time the change reached ClickHouse; delivery latency is measured from it. A rebuild of
-- price_changes (0007) must now name its columns: INSERT INTO price_changes (marketplace, ingest_seq,
-- asin, series, condition, kind, price, previous_price, currency, checked_at, previous_checked_at) SELECT ...
-- alerter_cursors: per marketplace, the highest ingest_seq whose changes the alerter has fully judged
-- (ReplacingMergeTree(cursor): the highest cursor wins; query with FINAL).
-- Skip indexes serve the lookups by user, tracking and email that the sort keys do not.
-- Not derived (except price_changes, see 0007): nothing to rebuild.
-- Cluster variant: every ALTER runs on the <name>_local tables and, for columns, on the Distributed
-- <name> too (indexes live only on the local tables). alerter_cursors is sharded by marketplace, so
-- the versions of one cursor meet on one shard and FINAL through the Distributed table is exact.
ALTER TABLE users_local ON CLUSTER ${CLUSTER}
    ADD COLUMN IF NOT EXISTS verified_at Nullable(DateTime64(3, 'UTC')),
    ADD COLUMN IF NOT EXISTS unsubscribed_at Nullable(DateTime64(3, 'UTC')),
    ADD INDEX IF NOT EXISTS users_email_idx email TYPE bloom_filter GRANULARITY 4;

ALTER TABLE users ON CLUSTER ${CLUSTER}
    ADD COLUMN IF NOT EXISTS verified_at Nullable(DateTime64(3, 'UTC')),
    ADD COLUMN IF NOT EXISTS unsubscribed_at Nullable(DateTime64(3, 'UTC'));

ALTER TABLE trackings_local ON CLUSTER ${CLUSTER}
    ADD COLUMN IF NOT EXISTS condition Enum8('new' = 1, 'used' = 2, 'refurbished' = 3, 'any' = 4) DEFAULT 'new',
    ADD COLUMN IF NOT EXISTS amazon_only Bool DEFAULT false,
    ADD COLUMN IF NOT EXISTS drop_amount Nullable(UInt32),
    ADD COLUMN IF NOT EXISTS all_time_low Bool DEFAULT false,
    ADD COLUMN IF NOT EXISTS back_in_stock Bool DEFAULT false,
    ADD COLUMN IF NOT EXISTS email_enabled Bool DEFAULT true,
    ADD COLUMN IF NOT EXISTS webhook_url String DEFAULT '',
    ADD COLUMN IF NOT EXISTS webhook_secret String DEFAULT '',
    ADD COLUMN IF NOT EXISTS baseline_seq UInt64 DEFAULT 0,
    ADD COLUMN IF NOT EXISTS updated_at DateTime64(3, 'UTC') DEFAULT created_at,
    ADD INDEX IF NOT EXISTS trackings_user_idx user_id TYPE bloom_filter GRANULARITY 4,
    ADD INDEX IF NOT EXISTS trackings_id_idx tracking_id TYPE bloom_filter GRANULARITY 4;

ALTER TABLE trackings ON CLUSTER ${CLUSTER}
    ADD COLUMN IF NOT EXISTS condition Enum8('new' = 1, 'used' = 2, 'refurbished' = 3, 'any' = 4) DEFAULT 'new',
    ADD COLUMN IF NOT EXISTS amazon_only Bool DEFAULT false,
    ADD COLUMN IF NOT EXISTS drop_amount Nullable(UInt32),
    ADD COLUMN IF NOT EXISTS all_time_low Bool DEFAULT false,
    ADD COLUMN IF NOT EXISTS back_in_stock Bool DEFAULT false,
    ADD COLUMN IF NOT EXISTS email_enabled Bool DEFAULT true,
    ADD COLUMN IF NOT EXISTS webhook_url String DEFAULT '',
    ADD COLUMN IF NOT EXISTS webhook_secret String DEFAULT '',
    ADD COLUMN IF NOT EXISTS baseline_seq UInt64 DEFAULT 0,
    ADD COLUMN IF NOT EXISTS updated_at DateTime64(3, 'UTC') DEFAULT created_at;

ALTER TABLE alerts_local ON CLUSTER ${CLUSTER}
    MODIFY COLUMN state Enum8('pending' = 1, 'sent' = 2, 'failed' = 3, 'cancelled' = 4);

ALTER TABLE alerts ON CLUSTER ${CLUSTER}
    MODIFY COLUMN state Enum8('pending' = 1, 'sent' = 2, 'failed' = 3, 'cancelled' = 4);

ALTER TABLE alerts_local ON CLUSTER ${CLUSTER}
    ADD COLUMN IF NOT EXISTS alert_key String DEFAULT alert_id,
    ADD COLUMN IF NOT EXISTS channel Enum8('email' = 1, 'webhook' = 2) DEFAULT 'email',
    ADD COLUMN IF NOT EXISTS reasons Array(LowCardinality(String)) DEFAULT [],
    ADD COLUMN IF NOT EXISTS ingest_seq UInt64 DEFAULT 0,
    ADD COLUMN IF NOT EXISTS checked_at DateTime('UTC') DEFAULT toDateTime(0, 'UTC'),
    ADD COLUMN IF NOT EXISTS ingested_at DateTime64(3, 'UTC') DEFAULT created_at,
    ADD COLUMN IF NOT EXISTS next_attempt_at DateTime64(3, 'UTC') DEFAULT created_at,
    ADD COLUMN IF NOT EXISTS sent_at Nullable(DateTime64(3, 'UTC')),
    ADD INDEX IF NOT EXISTS alerts_user_idx user_id TYPE bloom_filter GRANULARITY 4,
    ADD INDEX IF NOT EXISTS alerts_tracking_idx tracking_id TYPE bloom_filter GRANULARITY 4,
    ADD INDEX IF NOT EXISTS alerts_state_idx state TYPE set(4) GRANULARITY 4;

ALTER TABLE alerts ON CLUSTER ${CLUSTER}
    ADD COLUMN IF NOT EXISTS alert_key String DEFAULT alert_id,
    ADD COLUMN IF NOT EXISTS channel Enum8('email' = 1, 'webhook' = 2) DEFAULT 'email',
    ADD COLUMN IF NOT EXISTS reasons Array(LowCardinality(String)) DEFAULT [],
    ADD COLUMN IF NOT EXISTS ingest_seq UInt64 DEFAULT 0,
    ADD COLUMN IF NOT EXISTS checked_at DateTime('UTC') DEFAULT toDateTime(0, 'UTC'),
    ADD COLUMN IF NOT EXISTS ingested_at DateTime64(3, 'UTC') DEFAULT created_at,
    ADD COLUMN IF NOT EXISTS next_attempt_at DateTime64(3, 'UTC') DEFAULT created_at,
    ADD COLUMN IF NOT EXISTS sent_at Nullable(DateTime64(3, 'UTC'));

ALTER TABLE price_changes_local ON CLUSTER ${CLUSTER}
    ADD COLUMN IF NOT EXISTS ingested_at DateTime64(3, 'UTC') DEFAULT now64(3);

ALTER TABLE price_changes ON CLUSTER ${CLUSTER}
    ADD COLUMN IF NOT EXISTS ingested_at DateTime64(3, 'UTC') DEFAULT now64(3);

CREATE TABLE IF NOT EXISTS alerter_cursors_local ON CLUSTER ${CLUSTER}
(
    marketplace LowCardinality(String),
    cursor UInt64,
    updated_at DateTime64(3, 'UTC'),
    instance String
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/${DATABASE}/alerter_cursors_local', '{replica}', cursor)
ORDER BY marketplace;

CREATE TABLE IF NOT EXISTS alerter_cursors ON CLUSTER ${CLUSTER} AS alerter_cursors_local
ENGINE = Distributed(${CLUSTER}, ${DATABASE}, alerter_cursors_local, cityHash64(marketplace));
