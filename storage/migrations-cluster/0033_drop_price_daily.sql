-- 0033 drops price_daily and price_moves_daily: since 0032 price_days holds their rows (copied there)
-- and is fed instead of them; nothing reads them any more. Kept apart from 0032 so that a run of 0032
-- cut short can be run again (its copy reads these tables).
-- Not derived any more: nothing to rebuild.
-- Cluster variant: the Distributed tables and the shards' _local tables.
DROP TABLE IF EXISTS price_daily ON CLUSTER ${CLUSTER};

DROP TABLE IF EXISTS price_daily_local ON CLUSTER ${CLUSTER};

DROP TABLE IF EXISTS price_moves_daily ON CLUSTER ${CLUSTER};

DROP TABLE IF EXISTS price_moves_daily_local ON CLUSTER ${CLUSTER};
