-- proxy-cool.lua: a robot check (or block) was served through a proxy in one storefront: cool that
-- proxy there with exponential back-off shared by every crawler node.
--
-- KEYS[1]  hash proxy id → "coolingUntil|strikes" of the marketplace (epoch ms, Redis server clock)
-- ARGV[1]  proxy id
-- ARGV[2]  first cool-down, ms (crawler.captchaCooldownMs)
-- ARGV[3]  longest cool-down, ms (crawler.maxCaptchaCooldownMs)
--
-- A proxy already cooling is left as it is (robot checks of requests that were in flight when it was
-- cooled do not add strikes). Otherwise strikes + 1 and coolingUntil = now + min(first · 2^(strikes-1),
-- longest). Strikes are forgotten once the proxy has been clear of robot checks for the longest
-- cool-down after its last one; the entry is then deleted here or by proxy-clear.lua.
--
-- Returns {coolingUntil, strikes, changed (1: this call cooled it, 0: it was cooling already), now}.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local first = tonumber(ARGV[2])
local longest = tonumber(ARGV[3])

local raw = redis.call('HGET', KEYS[1], ARGV[1])
local untilMs, strikes = 0, 0
if raw then
  local sep = string.find(raw, '|', 1, true)
  untilMs = tonumber(string.sub(raw, 1, sep - 1)) or 0
  strikes = tonumber(string.sub(raw, sep + 1)) or 0
end
if untilMs > now then
  return {untilMs, strikes, 0, now}
end
if untilMs + longest < now then
  strikes = 0
end
strikes = strikes + 1
local cool = first * math.pow(2, math.min(strikes - 1, 40))
if cool > longest then cool = longest end
untilMs = now + cool
redis.call('HSET', KEYS[1], ARGV[1], string.format('%d|%d', untilMs, strikes))
return {untilMs, strikes, 1, now}
