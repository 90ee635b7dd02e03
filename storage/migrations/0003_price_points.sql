-- 0003 price_points: the append-only truth, one row per (marketplace, asin, series) per successful
-- check. Prices are integer minor units; NULL price = the series had no offer at that check.
-- previous_price / previous_checked_at carry the series' previous observation, so views detect
-- changes row by row. ingest_seq is the ingester's batch sequence number (per marketplace).
-- Codecs measured with `dromedary bench storage`: Delta+ZSTD on prices and times, LowCardinality on
-- repeated strings, no per-check random id (the check id stays in crawl_outcomes).
-- Deduplication: inserts carry insert_deduplication_token; the window covers re-delivered batches.
-- Not derived. Every table fed from it by a materialized view can be rebuilt from it (see 0005-0007).
CREATE TABLE IF NOT EXISTS price_points
(
    marketplace LowCardinality(String),
    asin String CODEC(ZSTD(1)),
    series Enum8('new' = 1, 'amazon' = 2, 'new_3p' = 3, 'used' = 4, 'warehouse' = 5, 'refurbished' = 6, 'collectible' = 7),
    condition Enum8('new' = 1, 'used' = 2, 'refurbished' = 3, 'collectible' = 4),
    seller_kind Enum8('amazon' = 1, 'third_party' = 2, 'warehouse' = 3, 'unknown' = 4),
    price Nullable(UInt32) CODEC(Delta, ZSTD(1)),
    previous_price Nullable(UInt32) CODEC(Delta, ZSTD(1)),
    previous_checked_at Nullable(DateTime('UTC')) CODEC(Delta, ZSTD(1)),
    currency LowCardinality(String),
    list_price Nullable(UInt32) CODEC(ZSTD(1)),
    is_buy_box Bool,
    availability Enum8('in_stock' = 1, 'out_of_stock' = 2, 'unknown' = 3),
    offer_count Nullable(UInt16) CODEC(ZSTD(1)),
    checked_at DateTime('UTC') CODEC(Delta, ZSTD(1)),
    crawler_id LowCardinality(String),
    ingest_seq UInt64 CODEC(Delta, ZSTD(1))
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(checked_at)
ORDER BY (marketplace, asin, series, checked_at)
SETTINGS non_replicated_deduplication_window = 10000;
