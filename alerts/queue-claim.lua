--[[
  queue-claim.lua: hand due deliveries to one sender. Claims whose deadline passed (a sender that died)
  first go back to the due set, exactly once, due now.

  KEYS[1] due set (delivery id -> due ms)   KEYS[2] in-flight set (delivery id -> claim deadline ms)
  ARGV[1] now, ms   ARGV[2] most deliveries to claim   ARGV[3] claim length, ms
  Returns {returned: expired claims put back, id, id, ...} — the ids claimed.
]]
local now = tonumber(ARGV[1])
local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now)
for _, id in ipairs(expired) do
  redis.call('ZREM', KEYS[2], id)
  redis.call('ZADD', KEYS[1], now, id)
end
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, tonumber(ARGV[2]))
local reply = { #expired }
local deadline = now + tonumber(ARGV[3])
for _, id in ipairs(ids) do
  redis.call('ZREM', KEYS[1], id)
  redis.call('ZADD', KEYS[2], deadline, id)
  reply[#reply + 1] = id
end
return reply
