-- ingest-commit: after the insert returned (or when a batch is given up), marks its sequence number
-- committed, advances the low watermark, acknowledges and deletes its entries, and clears the
-- consumer's in-flight record — one atomic step, so a crash leaves either all of it or none.
-- KEYS[1] the ingestion stream, KEYS[2] ingestInFlight hash, KEYS[3] ingestCommitted sorted set,
-- KEYS[4] ingestWatermark string
-- ARGV[1] consumer group, ARGV[2] consumer, ARGV[3] sequence number,
-- ARGV[4] '1' = acknowledge and delete the entries, '0' = leave them pending (the batch is split),
-- ARGV[5..] entry ids
-- Returns the watermark after the commit.
local stream, inflight, committed, wmKey = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local group, consumer, seq, ack = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4] == '1'
local wm = tonumber(redis.call('GET', wmKey) or '0')
if seq > wm then redis.call('ZADD', committed, seq, tostring(seq)) end
while redis.call('ZSCORE', committed, tostring(wm + 1)) do
  redis.call('ZREM', committed, tostring(wm + 1))
  wm = wm + 1
end
redis.call('SET', wmKey, tostring(wm))
if ack and #ARGV >= 5 then
  local chunk = {}
  for i = 5, #ARGV do
    chunk[#chunk + 1] = ARGV[i]
    if #chunk == 500 or i == #ARGV then
      redis.call('XACK', stream, group, unpack(chunk))
      redis.call('XDEL', stream, unpack(chunk))
      chunk = {}
    end
  end
end
local record = redis.call('HGET', inflight, consumer)
if record then
  local decoded = cjson.decode(record)
  if tonumber(decoded.seq) == seq then redis.call('HDEL', inflight, consumer) end
end
return wm
