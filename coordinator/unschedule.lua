--[[
  unschedule.lua: take ASINs off the schedule (admin remove). A leased one is settled normally by
  its worker but not rescheduled.

  KEYS[1..8] as in lease.lua (due, leases, lease worker, meta, attention, retired, drain, stream)
  ARGV[1] key prefix of the marketplace
  ARGV[2..] ASINs
  Returns {removed, not scheduled}
]]
local prefix = ARGV[1]
local removed, missing = 0, 0
for i = 2, #ARGV do
  local asin = ARGV[i]
  if redis.call('HDEL', state_key(prefix, asin), asin) == 1 then
    removed = removed + 1
  else
    missing = missing + 1
  end
  redis.call('ZREM', KEYS[1], asin)
  redis.call('SREM', KEYS[5], asin)
  redis.call('SREM', KEYS[6], asin)
end
if removed > 0 then redis.call('HINCRBY', KEYS[4], 'products', -removed) end
return { removed, missing }
