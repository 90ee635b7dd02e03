--[[
  trackers.lua: set the tracker count (popularity) of scheduled ASINs. An ASIN whose new interval
  ends before its current due time is brought forward (measured from its last successful check).

  KEYS[1..8] as in lease.lua (due, leases, lease worker, meta, attention, retired, drain, stream)
  ARGV[1] key prefix of the marketplace
  ARGV[2] shortest interval, ms  ARGV[3] longest interval, ms  ARGV[4] jitter fraction
  ARGV[5] tracker count earning the shortest interval             ARGV[6] random seed
  ARGV[7..] pairs: ASIN, tracker count
  Returns {updated, ASIN not scheduled, ...}
]]
local prefix = ARGV[1]
local p = policy(ARGV[2], ARGV[3], ARGV[4], ARGV[5])
math.randomseed(tonumber(ARGV[6]))
local now = now_ms()
local reply = { 0 }
for i = 7, #ARGV, 2 do
  local asin = ARGV[i]
  local count = ARGV[i + 1]
  local skey = state_key(prefix, asin)
  local raw = redis.call('HGET', skey, asin)
  if not raw then
    reply[#reply + 1] = asin
  else
    local s = decode_state(raw)
    reply[1] = reply[1] + 1
    if s[1] ~= count then
      s[1] = count
      redis.call('HSET', skey, asin, encode_state(s))
      local due = redis.call('ZSCORE', KEYS[1], asin)
      if due then
        local last = tonumber(s[4])
        if last == 0 then last = now end
        local target = math.max(now, last + check_interval(p, tonumber(count), tonumber(s[3])))
        if target < tonumber(due) then redis.call('ZADD', KEYS[1], fmt(target), asin) end
      end
    end
  end
end
return reply
