-- proxy-clear.lua: a proxy served a real page in one storefront: forget its strikes there — but only
-- when that request was sent after the proxy's last cool-down ended. A request sent earlier (in flight
-- when the robot checks began) says nothing about the proxy now, and must not reset its back-off.
--
-- KEYS[1]  hash proxy id → "coolingUntil|strikes" of the marketplace (as in proxy-cool.lua)
-- ARGV[1]  proxy id
-- ARGV[2]  when the successful request was sent, epoch ms (Redis clock)
--
-- Returns 1 when an entry was deleted, 0 otherwise.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if not raw then return 0 end
local sep = string.find(raw, '|', 1, true)
local untilMs = tonumber(string.sub(raw, 1, sep - 1)) or 0
if untilMs > now or tonumber(ARGV[2]) <= untilMs then return 0 end
redis.call('HDEL', KEYS[1], ARGV[1])
return 1
