--[[
  drain.lua: set or clear the drain flag of a worker in one marketplace. Setting it hands back every
  lease the worker holds there (its ASINs are due now) and makes lease.lua answer "draining".

  KEYS[1..8] as in lease.lua (wheel, leases, lease worker, meta, attention, retired, drain, stream)
  ARGV[1] key prefix of the marketplace
  ARGV[2] worker id
  ARGV[3] 'set' or 'clear'
  Returns {leases handed back, ASINs handed back}
]]
local prefix = ARGV[1]
local worker = ARGV[2]
if ARGV[3] == 'clear' then
  redis.call('HDEL', KEYS[7], worker)
  return { 0, 0 }
end
local now = now_ms()
redis.call('HSET', KEYS[7], worker, now)
local all = redis.call('HGETALL', KEYS[3])
local leases, items = 0, 0
for i = 1, #all, 2 do
  if all[i + 1] == worker then
    leases = leases + 1
    items = items + drop_lease(prefix, KEYS[1], KEYS[2], KEYS[3], KEYS[4], all[i], now)
  end
end
return { leases, items }
