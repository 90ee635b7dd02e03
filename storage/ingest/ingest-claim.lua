-- ingest-claim: takes over work from consumers that stopped (crashed, killed, gone for good).
-- First choice: another consumer's in-flight batch whose entries have all been idle for at least
-- the minimum: the record moves to this consumer, which re-inserts it with the same token and
-- sequence number (deduplicated if it had landed). Else: idle pending entries that belong to no
-- in-flight batch are claimed as fresh work.
-- KEYS[1] the ingestion stream, KEYS[2] ingestInFlight hash
-- ARGV[1] consumer group, ARGV[2] this consumer, ARGV[3] minimum idle time (ms), ARGV[4] max entries
-- Returns {'batch', recordJson} | {'entries', id1, id2, ...} | {'none'}.
local stream, inflight = KEYS[1], KEYS[2]
local group, me, minIdle, count = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4])
if redis.call('HEXISTS', inflight, me) == 1 then return {'none'} end
local records = redis.call('HGETALL', inflight)
local inRecord = {}
for i = 1, #records, 2 do
  local owner, decoded = records[i], cjson.decode(records[i + 1])
  local idle = true
  for _, id in ipairs(decoded.ids) do
    inRecord[id] = true
    if owner ~= me then
      local p = redis.call('XPENDING', stream, group, 'IDLE', minIdle, id, id, 1)
      if #p == 0 then idle = false end
    end
  end
  if owner ~= me and idle then
    for j = 1, #decoded.ids, 500 do
      local chunk = {}
      for k = j, math.min(j + 499, #decoded.ids) do chunk[#chunk + 1] = decoded.ids[k] end
      redis.call('XCLAIM', stream, group, me, minIdle, unpack(chunk))
    end
    redis.call('HDEL', inflight, owner)
    redis.call('HSET', inflight, me, records[i + 1])
    return {'batch', records[i + 1]}
  end
end
local pending = redis.call('XPENDING', stream, group, 'IDLE', minIdle, '-', '+', count * 4)
local result = {'entries'}
for _, p in ipairs(pending) do
  if p[2] ~= me and not inRecord[p[1]] and #result <= count then
    local claimed = redis.call('XCLAIM', stream, group, me, minIdle, p[1], 'JUSTID')
    if #claimed > 0 then result[#result + 1] = p[1] end
  end
end
if #result == 1 then return {'none'} end
return result
