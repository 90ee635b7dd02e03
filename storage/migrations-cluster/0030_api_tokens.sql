-- 0030 api_tokens: the API's per-user tokens. Only the SHA-256 of a token is stored (token_hash, hex):
-- a token is 32 random bytes shown once at creation, so a plain hash cannot be reversed or guessed.
-- scope 'api' authenticates API calls; scope 'feed' only reads the user's alerts feed (RSS), since
-- feed readers cannot send headers and put it in the URL. ReplacingMergeTree(version, is_deleted):
-- revoking writes a new version with revoked_at set and is_deleted = 1; query with FINAL.
-- Ordered by token_hash: the lookup on every authenticated request reads one granule; the bloom
-- filters serve the listing by user and the revocation by id.
-- Not derived: nothing to rebuild.
-- Cluster variant: api_tokens_local (ReplicatedReplacingMergeTree) plus api_tokens (Distributed),
-- sharded by user_id (a token's versions share it), so every version of one token meets on one shard
-- and FINAL through the Distributed table is exact.
CREATE TABLE IF NOT EXISTS api_tokens_local ON CLUSTER ${CLUSTER}
(
    token_hash String,
    token_id UUID,
    user_id UUID,
    scope Enum8('api' = 1, 'feed' = 2),
    name String,
    created_at DateTime64(3, 'UTC'),
    revoked_at Nullable(DateTime64(3, 'UTC')),
    version UInt64,
    is_deleted UInt8 DEFAULT 0,
    INDEX api_tokens_user_idx user_id TYPE bloom_filter GRANULARITY 4,
    INDEX api_tokens_id_idx token_id TYPE bloom_filter GRANULARITY 4
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/${DATABASE}/api_tokens_local', '{replica}', version, is_deleted)
ORDER BY token_hash;

CREATE TABLE IF NOT EXISTS api_tokens ON CLUSTER ${CLUSTER} AS api_tokens_local
ENGINE = Distributed(${CLUSTER}, ${DATABASE}, api_tokens_local, cityHash64(user_id));
