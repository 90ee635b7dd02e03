--[[
  trackers.lua: set the tracker count (popularity) of scheduled ASINs. An ASIN whose new interval
  ends before its current due time is brought forward (measured from its last successful check).

  KEYS[1..8] as in lease.lua (wheel, leases, lease worker, meta, attention, retired, drain, stream)
  ARGV[1] key prefix of the marketplace
  ARGV[2] shortest interval, ms  ARGV[3] longest interval, ms  ARGV[4] jitter fraction
  ARGV[5] tracker count earning the shortest interval             ARGV[6] random seed
  ARGV[7..] pairs: ASIN, tracker count
  Returns {updated, ASIN not scheduled, ...}
]]
local prefix = ARGV[1]
local p = policy(ARGV[2], ARGV[3], ARGV[4], ARGV[5])
math.randomseed(tonumber(ARGV[6]))
local now = now_ms()
migrate_legacy(prefix, KEYS[1], 100000)
local reply = { 0 }
local pending = {}
for i = 7, #ARGV, 2 do
  local asin = ARGV[i]
  local count = ARGV[i + 1]
  local skey = state_key(prefix, asin)
  local raw = redis.call('HGET', skey, asin)
  if not raw or raw == TOMB then
    reply[#reply + 1] = asin
  else
    local s = decode_state(raw)
    reply[1] = reply[1] + 1
    if s[1] ~= count then
      s[1] = count
      local due = tonumber(s[STATE_FIELDS])
      if due then
        local last = tonumber(s[4])
        if last == 0 then last = now end
        local target = math.max(now, last + check_interval(p, tonumber(count), tonumber(s[3])))
        -- Only a waiting ASIN moves (a leased one is rescheduled by its settle).
        if target < due and wheel_remove(prefix, KEYS[1], asin, due) then
          s[STATE_FIELDS] = target
          wheel_add(pending, target, asin)
        end
      end
      redis.call('HSET', skey, asin, encode_state(s))
    end
  end
end
wheel_push(prefix, KEYS[1], pending)
return reply
