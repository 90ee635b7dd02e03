--[[
  renew.lua: extend a lease that is still held (long batches).

  KEYS[1..8] as in lease.lua (wheel, leases, lease worker, meta, attention, retired, drain, stream)
  ARGV[1] key prefix of the marketplace
  ARGV[2] lease id
  ARGV[3] new lease length from now, ms
  Returns:
    {1, new deadline}
    {-1}   unknown lease
    {-2}   lease expired (its ASINs were returned to the schedule now)
]]
local prefix = ARGV[1]
local now = now_ms()
local deadline = redis.call('ZSCORE', KEYS[2], ARGV[2])
if not deadline then return { -1 } end
if tonumber(deadline) < now then
  local items = drop_lease(prefix, KEYS[1], KEYS[2], KEYS[3], KEYS[4], ARGV[2], now)
  redis.call('HINCRBY', KEYS[4], 'n:expired_leases', 1)
  redis.call('HINCRBY', KEYS[4], 'n:expired_items', items)
  return { -2 }
end
local new_deadline = now + tonumber(ARGV[3])
redis.call('ZADD', KEYS[2], new_deadline, ARGV[2])
return { 1, new_deadline }
