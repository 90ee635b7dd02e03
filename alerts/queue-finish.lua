--[[
  queue-finish.lua: a sender is done with a claimed delivery: it was recorded as sent / failed /
  cancelled (ARGV[2] empty), or it is to be retried at ARGV[2].

  KEYS[1] due set   KEYS[2] in-flight set
  ARGV[1] delivery id   ARGV[2] retry due ms, or '' when finished
  Returns 1, or -1 when the claim was no longer held (it expired and went back to the due set).
]]
if redis.call('ZREM', KEYS[2], ARGV[1]) == 0 then
  return -1
end
if ARGV[2] ~= '' then
  redis.call('ZADD', KEYS[1], tonumber(ARGV[2]), ARGV[1])
end
return 1
