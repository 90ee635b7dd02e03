-- Fixed-window request counter of one client (the API's rate limit).
-- KEYS[1]  the client's counter key (runtime/redis-keys.ts: api.rateLimitPrefix .. client)
-- ARGV[1]  window length, ms
-- Returns  {count, ttl}: requests counted in the current window including this one, and the ms left
--          in the window. The first request of a window starts it (PEXPIRE); a key that lost its
--          expiry (it cannot, but a restore from an old dump might) gets one again.
local count = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if count == 1 or ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {count, ttl}
