-- ingest-begin: records the batch a consumer is about to insert, and hands it a sequence number.
-- Checks, atomically, that the consumer still owns every entry (another ingester may have claimed
-- them while it stalled) and has no other batch in flight.
-- KEYS[1] the marketplace's ingestion stream
-- KEYS[2] ingestInFlight hash (field = consumer, value = JSON {ids, token, seq, attempts, startedAt})
-- KEYS[3] ingestSeq counter
-- ARGV[1] consumer group, ARGV[2] consumer, ARGV[3] dedup token, ARGV[4] now (epoch ms), ARGV[5..] entry ids
-- Returns the sequence number (> 0); -1 an entry is no longer pending for this consumer;
-- -2 the consumer already has a batch in flight.
local stream, inflight, seqKey = KEYS[1], KEYS[2], KEYS[3]
local group, consumer = ARGV[1], ARGV[2]
if redis.call('HEXISTS', inflight, consumer) == 1 then return -2 end
local ids = {}
for i = 5, #ARGV do
  local id = ARGV[i]
  local p = redis.call('XPENDING', stream, group, id, id, 1)
  if #p == 0 or p[1][2] ~= consumer then return -1 end
  ids[#ids + 1] = id
end
local seq = redis.call('INCR', seqKey)
redis.call('HSET', inflight, consumer, cjson.encode({ ids = ids, token = ARGV[3], seq = seq, attempts = 0, startedAt = tonumber(ARGV[4]) }))
return seq
