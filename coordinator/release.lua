--[[
  release.lua: a worker hands back ASINs of its lease unchecked (shutdown, drain): they are due now.
  Not a failure: no back-off, no counters.

  KEYS[1..8] as in lease.lua (wheel, leases, lease worker, meta, attention, retired, drain, stream)
  ARGV[1] key prefix of the marketplace
  ARGV[2] lease id
  ARGV[3..] ASINs to hand back; none: every unsettled ASIN of the lease (and the lease ends)
  Returns:
    {1, ASINs handed back}
    {-1}   unknown lease
    {-2}   lease expired (its ASINs were returned to the schedule now)
]]
local prefix = ARGV[1]
local lease_id = ARGV[2]
local set_key = prefix .. 'lease:' .. lease_id
local now = now_ms()
local deadline = redis.call('ZSCORE', KEYS[2], lease_id)
if not deadline then return { -1 } end
if tonumber(deadline) < now then
  local items = drop_lease(prefix, KEYS[1], KEYS[2], KEYS[3], KEYS[4], lease_id, now)
  redis.call('HINCRBY', KEYS[4], 'n:expired_leases', 1)
  redis.call('HINCRBY', KEYS[4], 'n:expired_items', items)
  return { -2 }
end
if #ARGV == 2 then
  return { 1, drop_lease(prefix, KEYS[1], KEYS[2], KEYS[3], KEYS[4], lease_id, now) }
end
local pending = {}
local n = 0
for i = 3, #ARGV do
  local asin = ARGV[i]
  if redis.call('SREM', set_key, asin) == 1 then
    n = n + 1
    reschedule(prefix, pending, asin, now)
  end
end
wheel_push(prefix, KEYS[1], pending)
if n > 0 then redis.call('HINCRBY', KEYS[4], 'leased', -n) end
if redis.call('SCARD', set_key) == 0 then
  redis.call('DEL', set_key)
  redis.call('ZREM', KEYS[2], lease_id)
  redis.call('HDEL', KEYS[3], lease_id)
end
return { 1, n }
