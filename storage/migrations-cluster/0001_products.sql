-- 0001 products: what product pages say about each product (title, brand, image, rank), one row per
-- observation, the latest kept by ReplacingMergeTree(checked_at) (query with FINAL or argMax).
-- search_text and its token bloom-filter index serve title/brand search over millions of products.
-- Written by the ingester from IngestEnvelope.products. Not derived: nothing to rebuild.
-- Cluster variant: each table is <name>_local (Replicated*MergeTree, on every replica of a shard)
-- plus <name> (Distributed over the cluster). Rows are sharded so one product stays on one shard;
-- views run on each shard's local tables. Rebuild steps apply to the _local tables on each shard.
CREATE TABLE IF NOT EXISTS products_local ON CLUSTER ${CLUSTER}
(
    marketplace LowCardinality(String),
    asin String,
    title String CODEC(ZSTD(3)),
    brand String CODEC(ZSTD(3)),
    breadcrumb String CODEC(ZSTD(3)),
    image_url String CODEC(ZSTD(3)),
    sales_rank Nullable(UInt32),
    parent_asin Nullable(String),
    checked_at DateTime64(3, 'UTC'),
    ingest_seq UInt64,
    search_text String MATERIALIZED lower(concat(title, ' ', brand)),
    INDEX search_tokens search_text TYPE tokenbf_v1(32768, 3, 0) GRANULARITY 1
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/${DATABASE}/products_local', '{replica}', checked_at)
ORDER BY (marketplace, asin)
SETTINGS replicated_deduplication_window = 10000;

CREATE TABLE IF NOT EXISTS products ON CLUSTER ${CLUSTER} AS products_local
ENGINE = Distributed(${CLUSTER}, ${DATABASE}, products_local, cityHash64(marketplace, asin));
