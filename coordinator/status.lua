--[[
  status.lua: one marketplace's schedule at a glance (read-only).

  KEYS[1..8] as in lease.lua (wheel, leases, lease worker, meta, attention, retired, drain, stream)
  ARGV[1] key prefix of the marketplace
  ARGV[2] lag after which a due ASIN counts as overdue, ms
  ARGV[3] minutes of per-minute counters to return (the current minute is added)
  Returns {now, scheduled (ASINs on the wheel), due now, overdue, oldest due time or -1, leases, workers draining,
           attention, retired, stream length, meta as a flat field/value list, counters as a flat list of
           minute, outcome, count ...}
  Counting walks the wheel index (one LLEN per non-empty second); only the slots the two thresholds fall in
  are read entry by entry. The oldest due time is exact when its slot holds at most 1000 ASINs, else the
  start of that second.
]]
local prefix = ARGV[1]
local now = now_ms()
local overdue_at = now - tonumber(ARGV[2])

-- ASINs of slot list `key` due at or before `t`.
local function due_in(key, t)
  local n = 0
  for _, asin in ipairs(redis.call('LRANGE', key, 0, -1)) do
    local raw = redis.call('HGET', state_key(prefix, asin), asin)
    if raw and (tonumber(decode_state(raw)[STATE_FIELDS]) or 0) <= t then n = n + 1 end
  end
  return n
end

local waiting, due_now, overdue, oldest = 0, 0, 0, -1
local slots = redis.call('ZRANGE', KEYS[1], 0, -1)
for i, member in ipairs(slots) do
  local slot = tonumber(member)
  local key = prefix .. 'w:' .. member
  local len = redis.call('LLEN', key)
  waiting = waiting + len
  local from, to = slot * SLOT_MS, slot * SLOT_MS + SLOT_MS - 1
  if to <= now then due_now = due_now + len elseif from <= now then due_now = due_now + due_in(key, now) end
  if to <= overdue_at then overdue = overdue + len elseif from <= overdue_at then overdue = overdue + due_in(key, overdue_at) end
  if i == 1 then
    oldest = from
    if len <= 1000 then
      local min = nil
      for _, asin in ipairs(redis.call('LRANGE', key, 0, -1)) do
        local raw = redis.call('HGET', state_key(prefix, asin), asin)
        local due = raw and tonumber(decode_state(raw)[STATE_FIELDS])
        if due and (not min or due < min) then min = due end
      end
      if min then oldest = min end
    end
  end
end
-- An older layout's schedule not yet moved onto the wheel.
local legacy = prefix .. 'due'
if redis.call('EXISTS', legacy) == 1 then
  waiting = waiting + redis.call('ZCARD', legacy)
  due_now = due_now + redis.call('ZCOUNT', legacy, '-inf', fmt(now))
  overdue = overdue + redis.call('ZCOUNT', legacy, '-inf', fmt(overdue_at))
  local first = redis.call('ZRANGE', legacy, 0, 0, 'WITHSCORES')
  if #first > 0 and (oldest < 0 or tonumber(first[2]) < oldest) then oldest = tonumber(first[2]) end
end

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
  now, waiting, due_now, overdue, oldest, redis.call('ZCARD', KEYS[2]),
  redis.call('HLEN', KEYS[7]), redis.call('SCARD', KEYS[5]), redis.call('SCARD', KEYS[6]),
  redis.call('XLEN', KEYS[8]), redis.call('HGETALL', KEYS[4]), counters,
}
