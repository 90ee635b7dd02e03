--[[
  unschedule.lua: take ASINs off the schedule (admin remove). A leased one is settled normally by
  its worker but not rescheduled (its state becomes TOMB until then, see lib.lua).

  KEYS[1..8] as in lease.lua (wheel, leases, lease worker, meta, attention, retired, drain, stream)
  ARGV[1] key prefix of the marketplace
  ARGV[2..] ASINs
  Returns {removed, not scheduled}
]]
local prefix = ARGV[1]
local removed, missing = 0, 0
migrate_legacy(prefix, KEYS[1], 100000)
for i = 2, #ARGV do
  local asin = ARGV[i]
  local skey = state_key(prefix, asin)
  local raw = redis.call('HGET', skey, asin)
  if not raw or raw == TOMB then
    missing = missing + 1
  else
    removed = removed + 1
    if wheel_remove(prefix, KEYS[1], asin, decode_state(raw)[STATE_FIELDS]) then
      redis.call('HDEL', skey, asin)
    else
      redis.call('HSET', skey, asin, TOMB)
    end
  end
  redis.call('SREM', KEYS[5], asin)
  redis.call('SREM', KEYS[6], asin)
end
if removed > 0 then redis.call('HINCRBY', KEYS[4], 'products', -removed) end
return { removed, missing }
