-- 0002 catalog: the set of tracked (marketplace, asin) the crawl schedule is rebuilt from, with its
-- state (active / paused / retired / removed), when and how it was added, and a version: the row with
-- the highest version wins (ReplacingMergeTree(version); query with FINAL). Not derived.
CREATE TABLE IF NOT EXISTS catalog
(
    marketplace LowCardinality(String),
    asin String,
    state Enum8('active' = 1, 'paused' = 2, 'retired' = 3, 'removed' = 4),
    added_at DateTime64(3, 'UTC'),
    source LowCardinality(String),
    version UInt64,
    updated_at DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(version)
ORDER BY (marketplace, asin);
