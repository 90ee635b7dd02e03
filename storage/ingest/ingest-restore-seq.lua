-- ingest-restore-seq: after Redis lost the ingestion state (the sequence counter is gone), restarts
-- the sequence and the committed watermark at the highest sequence number ClickHouse holds, so new
-- batches never reuse a number already stored (readers past the watermark, the alerter above all,
-- would take them for batches they had already judged). Does nothing while the counter exists.
-- KEYS[1] ingestSeq counter, KEYS[2] ingestWatermark string
-- ARGV[1] the highest ingest_seq stored for the marketplace
-- Returns 1 when restored, 0 otherwise.
local floor = tonumber(ARGV[1])
if redis.call('EXISTS', KEYS[1]) == 1 or floor <= 0 then return 0 end
redis.call('SET', KEYS[1], ARGV[1])
local wm = tonumber(redis.call('GET', KEYS[2]) or '0')
if wm < floor then redis.call('SET', KEYS[2], ARGV[1]) end
return 1
