-- rate-limit.lua: reserve the next send slot of one request under two cluster-wide limits at once —
-- the marketplace's rate and the (proxy, marketplace) rate — as GCRA "theoretical arrival times".
-- Each key holds the earliest time (µs, Redis server clock) its limit allows the next request. The
-- slot granted is max(now, both times); both keys advance by their interval from it, atomically, so
-- granted slots are spaced by at least each interval on each key.
--
-- KEYS[1]  the marketplace limiter key   (string, µs)   — KEYS[1..3] share the marketplace's hash tag
-- KEYS[2]  the proxy limiter key          (string, µs)
-- KEYS[3]  the marketplace's proxy cooling hash (proxy id → "coolingUntil|strikes", ms; proxy-cool.lua)
-- ARGV[1]  marketplace interval, µs (1e6 / ratePerSec)
-- ARGV[2]  proxy interval, µs (1e6 / perProxyRatePerSec)
-- ARGV[3]  reservation horizon, µs: a slot further away is not reserved (the caller comes back then)
-- ARGV[4]  idle retention, ms: each key lives this long past its own time (a missing key means "no
--          constraint", which is true once its time has passed, so expiry never loosens a limit)
-- ARGV[5]  the proxy id (field of KEYS[3])
--
-- Returns {1, waitUs}: reserved, the slot is waitUs away; {0, waitUs}: nothing reserved, a slot would
-- be free in waitUs; {-1, coolingUntilMs}: the proxy is cooling in this marketplace (a robot check on
-- any node), nothing reserved. Checking here makes every node see a cool-down at its next request.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local cooling = redis.call('HGET', KEYS[3], ARGV[5])
if cooling then
  local untilMs = tonumber(string.sub(cooling, 1, string.find(cooling, '|', 1, true) - 1)) or 0
  if untilMs * 1000 > now then
    return {-1, untilMs}
  end
end
local im = tonumber(ARGV[1])
local ip = tonumber(ARGV[2])
local maxWait = tonumber(ARGV[3])
local keepMs = tonumber(ARGV[4])

local tm = tonumber(redis.call('GET', KEYS[1]) or '0') or 0
local tp = tonumber(redis.call('GET', KEYS[2]) or '0') or 0
local slot = math.max(now, tm, tp)
local wait = slot - now
if wait > maxWait then
  return {0, wait}
end
local nm = slot + im
local np = slot + ip
redis.call('SET', KEYS[1], string.format('%d', nm), 'PX', math.ceil((nm - now) / 1000) + keepMs)
redis.call('SET', KEYS[2], string.format('%d', np), 'PX', math.ceil((np - now) / 1000) + keepMs)
return {1, wait}
