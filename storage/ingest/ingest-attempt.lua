-- ingest-attempt: counts a failed insert of a consumer's in-flight batch.
-- KEYS[1] ingestInFlight hash
-- ARGV[1] consumer, ARGV[2] sequence number of the batch
-- Returns the new attempt count, or -1 if the consumer no longer holds that batch (another ingester
-- took it over: stop working on it).
local record = redis.call('HGET', KEYS[1], ARGV[1])
if not record then return -1 end
local decoded = cjson.decode(record)
if tonumber(decoded.seq) ~= tonumber(ARGV[2]) then return -1 end
decoded.attempts = (tonumber(decoded.attempts) or 0) + 1
redis.call('HSET', KEYS[1], ARGV[1], cjson.encode(decoded))
return decoded.attempts
