--[[
  status.lua: one marketplace's schedule at a glance (read-only).

  KEYS[1..8] as in lease.lua (due, leases, lease worker, meta, attention, retired, drain, stream)
  ARGV[1] key prefix of the marketplace
  ARGV[2] lag after which a due ASIN counts as overdue, ms
  ARGV[3] minutes of per-minute counters to return (the current minute is added)
  Returns {now, scheduled (due zset size), due now, overdue, oldest due time or -1, leases, workers draining,
           attention, retired, stream length, meta as a flat field/value list, counters as a flat list of
           minute, outcome, count ...}
]]
local prefix = ARGV[1]
local now = now_ms()
local due_now = redis.call('ZCOUNT', KEYS[1], '-inf', fmt(now))
local overdue = redis.call('ZCOUNT', KEYS[1], '-inf', fmt(now - tonumber(ARGV[2])))
local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
local oldest = -1
if #first > 0 then oldest = tonumber(first[2]) end
local counters = {}
local minute = math.floor(now / 60000)
for m = minute - tonumber(ARGV[3]), minute do
  local kv = redis.call('HGETALL', prefix .. 'st:' .. fmt(m))
  for i = 1, #kv, 2 do
    counters[#counters + 1] = m
    counters[#counters + 1] = kv[i]
    counters[#counters + 1] = tonumber(kv[i + 1])
  end
end
return {
  now, redis.call('ZCARD', KEYS[1]), due_now, overdue, oldest, redis.call('ZCARD', KEYS[2]),
  redis.call('HLEN', KEYS[7]), redis.call('SCARD', KEYS[5]), redis.call('SCARD', KEYS[6]),
  redis.call('XLEN', KEYS[8]), redis.call('HGETALL', KEYS[4]), counters,
}
