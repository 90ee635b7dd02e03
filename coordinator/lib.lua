--[[
  lib.lua: helpers shared by every coordinator script; prepended to each script when it is loaded.

  Key layout (all in the marketplace's hash slot; P = the marketplace's key prefix "{<prefix>:m:<code>}:"):
    P..'s:'<bucket>    hash   ASIN -> packed product state (see below); bucket = bucket_of(ASIN), 65536 buckets
    P..'w:'<slot>      list   ASINs waiting on the schedule whose due time falls in second <slot> (due ms / 1000,
                              floored); exists exactly while its slot is a member of the wheel index (KEYS[1])
    P..'due'           zset   the schedule of an older layout (ASIN -> due ms); moved into the wheel by lease calls
    P..'lease:'<id>    set    ASINs of lease <id> not yet settled
    P..'st:'<minute>   hash   outcome -> checks settled in that minute (epoch minute); expires after 2 h
    P..'retiring'      set    ASINs retired by a check whose retirement the catalog has not recorded yet

  Packed product state, 12 fields joined by '|':
    1 trackers  2 consecutive product failures  3 volatility (0..1000)  4 last successful check (epoch ms, 0: never)
    5..11 last price of each series in SERIES order (new, amazon, new_3p, used, warehouse, refurbished, collectible):
      ''          never observed
      '-'         observed with no offer at the time of field 4
      '<n>'       observed at price n (minor units) at the time of field 4
      '<v>@<ms>'  as above, but observed at <ms> (an earlier check that looked at this series)
    12 due time (epoch ms) given when the ASIN was last put on the wheel: while it waits, it is in the list of
       slot_of(field 12); while it is leased, the field still holds the due time it was leased at ('' = never
       put on the wheel, e.g. a state of the older 11-field layout or one re-added while leased).
  The state TOMB ('!') marks an ASIN removed while it was leased: it is not rescheduled when its lease settles or
  ends (the field is deleted then), and adding it again revives it under that lease.

  The wheel: every waiting ASIN is in exactly one slot list (pushes happen only where an ASIN is known not to be
  on the wheel: a new product, a settled or handed-back lease, or after removing it from its slot), so a lease
  pops whole slots without checking each entry, and only the slot of the current second, where some entries
  may not be due yet, compares each entry's exact due time (field 12): nothing is leased before its due time.
]]
local SERIES_COUNT = 7
local STATE_FIELDS = 5 + SERIES_COUNT
local BUCKETS = 65536
local SLOT_MS = 1000
local TOMB = '!'
-- Locals: a global or library lookup per use costs noticeably in the per-ASIN loops.
local s_find, s_sub, s_byte, s_match, s_format = string.find, string.sub, string.byte, string.match, string.format
local m_floor, m_min, m_max, m_log, m_pow, m_random = math.floor, math.min, math.max, math.log, math.pow, math.random
local t_concat = table.concat

local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

local function fmt(n)
  return string.format('%.0f', n)
end

-- Must match stateBucket() in state-codec.ts: h = (h * 31 + byte) mod 65536 over the characters.
-- Unrolled for 10-character ASINs (taking the modulus every few steps gives the same result and stays
-- exact in doubles); three times faster than the loop, and it runs for every ASIN of every call.
local function bucket_of(asin)
  if #asin == 10 then
    local a, b, c, d, e, f, g, h, i, j = s_byte(asin, 1, 10)
    local v = (a * 31 + b) * 31 + c
    v = ((v % BUCKETS) * 31 + d) * 31 + e
    v = ((v % BUCKETS) * 31 + f) * 31 + g
    v = ((v % BUCKETS) * 31 + h) * 31 + i
    return ((v % BUCKETS) * 31 + j) % BUCKETS
  end
  local h = 0
  for k = 1, #asin do
    h = (h * 31 + string.byte(asin, k)) % BUCKETS
  end
  return h
end

local function state_key(prefix, asin)
  -- string.format's %d builds the key faster than concatenating the number (same text for these integers).
  return s_format('%ss:%d', prefix, bucket_of(asin))
end

local STATE_PATTERN = '^([^|]*)|([^|]*)|([^|]*)|([^|]*)|([^|]*)|([^|]*)|([^|]*)|([^|]*)|([^|]*)|([^|]*)|([^|]*)|([^|]*)$'
local STATE_PATTERN_11 = '^([^|]*)|([^|]*)|([^|]*)|([^|]*)|([^|]*)|([^|]*)|([^|]*)|([^|]*)|([^|]*)|([^|]*)|([^|]*)$'

-- A current-layout state as trackers, failures, volatility, last check and the seven price fields as one
-- string (nil for any other layout); the due time is not captured.
local STATE_SPLIT = '^([^|]*)|([^|]*)|([^|]*)|([^|]*)|([^|]*|[^|]*|[^|]*|[^|]*|[^|]*|[^|]*|[^|]*)|[^|]*$'

-- One pattern match (a single C call) is about three times faster than splitting field by field.
local function decode_state(raw)
  local f = { s_match(raw, STATE_PATTERN) }
  if #f ~= STATE_FIELDS then
    -- the older layout had no due time
    f = { s_match(raw, STATE_PATTERN_11) }
    if #f == STATE_FIELDS - 1 then
      f[STATE_FIELDS] = ''
    else
      f = {}
      for k = 1, STATE_FIELDS do f[k] = '' end
      f[1], f[2], f[3], f[4] = '0', '0', '0', '0'
    end
  end
  return f
end

local function encode_state(f)
  return t_concat(f, '|', 1, STATE_FIELDS)
end

local function fresh_state(trackers, due)
  return (trackers or '0') .. '|0|0|0||||||||' .. (due or '')
end

-- The state `raw` with its due time set to `due`.
local function with_due(raw, due)
  local f = decode_state(raw)
  f[STATE_FIELDS] = due
  return encode_state(f)
end

-- Calls a variadic command on `args` in slices (Lua's unpack has a stack limit).
local function call_chunked(cmd, key, args)
  local size = 4000
  for i = 1, #args, size do
    redis.call(cmd, key, unpack(args, i, math.min(i + size - 1, #args)))
  end
end

--[[
  The wheel. slot_of(due) is the second the due time falls in; `pending` collects pushes as slot -> ASINs so a
  call pushes each slot once.
]]
local function slot_of(due)
  return m_floor(due / SLOT_MS)
end

local function wheel_add(pending, due, asin)
  local slot = slot_of(due)
  local list = pending[slot]
  if list then list[#list + 1] = asin else pending[slot] = { asin } end
end

-- Pushes the collected ASINs onto their slot lists; a slot whose list was empty joins the index.
local function wheel_push(prefix, K_wheel, pending)
  for slot, asins in pairs(pending) do
    local key = s_format('%sw:%d', prefix, slot)
    local len = 0
    for i = 1, #asins, 4000 do
      len = redis.call('RPUSH', key, unpack(asins, i, m_min(i + 3999, #asins)))
    end
    if len == #asins then redis.call('ZADD', K_wheel, slot, slot) end
  end
end

-- Takes `asin` out of the slot list of due time `due` (a state's field 12). Returns true when it was there,
-- false when it is not on the wheel (leased). Linear in the slot's length: only admin paths call it.
local function wheel_remove(prefix, K_wheel, asin, due)
  local at = tonumber(due)
  if not at then return false end
  local slot = slot_of(at)
  local key = prefix .. 'w:' .. slot
  if redis.call('LREM', key, 1, asin) == 0 then return false end
  if redis.call('EXISTS', key) == 0 then redis.call('ZREM', K_wheel, slot) end
  return true
end

-- Moves up to `limit` ASINs of an older layout's schedule (P..'due', a sorted set) onto the wheel.
local function migrate_legacy(prefix, K_wheel, limit)
  local old = redis.call('ZPOPMIN', prefix .. 'due', limit)
  if #old == 0 then return end
  local pending = {}
  for i = 1, #old, 2 do
    local asin = old[i]
    local skey = state_key(prefix, asin)
    local raw = redis.call('HGET', skey, asin)
    if raw and raw ~= TOMB then
      redis.call('HSET', skey, asin, with_due(raw, old[i + 1]))
      wheel_add(pending, tonumber(old[i + 1]), asin)
    end
  end
  wheel_push(prefix, K_wheel, pending)
end

-- Puts `asin` (not on the wheel, e.g. just taken from a lease) back on the schedule at `due`, recording the due
-- time in its state; a product removed meanwhile is dropped. Returns true when it was put back.
local function reschedule(prefix, pending, asin, due)
  local skey = state_key(prefix, asin)
  local raw = redis.call('HGET', skey, asin)
  if not raw then return false end
  if raw == TOMB then
    redis.call('HDEL', skey, asin)
    return false
  end
  redis.call('HSET', skey, asin, with_due(raw, due))
  wheel_add(pending, due, asin)
  return true
end

--[[
  The rescheduling policy. p = policy table (see policy()):
    minI, maxI (ms), jitter (fraction), log_hot = log(1 + tracker count that earns the shortest interval)
  urgency u = max(popularity, volatility), popularity = min(1, log(1+trackers)/log(1+hot)),
  volatility = v/1000; interval = maxI * (minI/maxI)^u, then a uniform draw in
  [max(minI, interval*(1-jitter)), min(maxI, interval*(1+jitter))].
]]
local function check_interval(p, trackers, vol)
  local pop = 0
  if trackers > 0 then pop = m_min(1, m_log(1 + trackers) / p.log_hot) end
  local u = m_max(pop, m_min(1, vol / 1000))
  local interval = p.maxI
  if u > 0 then interval = p.maxI * m_pow(p.minI / p.maxI, u) end
  local lo = m_max(p.minI, interval * (1 - p.jitter))
  local hi = m_min(p.maxI, interval * (1 + p.jitter))
  return m_floor(lo + m_random() * (hi - lo))
end

local function policy(min_interval, max_interval, jitter, hot)
  return { minI = tonumber(min_interval), maxI = tonumber(max_interval), jitter = tonumber(jitter), log_hot = m_log(1 + tonumber(hot)) }
end

-- Hands the unsettled ASINs of lease `id` back to the schedule at `due` and deletes the lease.
-- ASINs removed from the schedule meanwhile stay out. Returns the number of ASINs the lease held.
local function drop_lease(prefix, K_wheel, K_leases, K_worker, K_meta, id, due)
  local set_key = prefix .. 'lease:' .. id
  local asins = redis.call('SMEMBERS', set_key)
  local pending = {}
  for _, asin in ipairs(asins) do reschedule(prefix, pending, asin, due) end
  wheel_push(prefix, K_wheel, pending)
  redis.call('DEL', set_key)
  redis.call('ZREM', K_leases, id)
  redis.call('HDEL', K_worker, id)
  if #asins > 0 then redis.call('HINCRBY', K_meta, 'leased', -#asins) end
  return #asins
end

-- Returns up to `limit` expired leases to the schedule. Returns {leases, asins}.
local function reap_expired(prefix, K_wheel, K_leases, K_worker, K_meta, now, limit)
  local ids = redis.call('ZRANGEBYSCORE', K_leases, '-inf', '(' .. fmt(now), 'LIMIT', 0, limit)
  local items = 0
  for _, id in ipairs(ids) do
    items = items + drop_lease(prefix, K_wheel, K_leases, K_worker, K_meta, id, now)
  end
  if #ids > 0 then
    redis.call('HINCRBY', K_meta, 'n:expired_leases', #ids)
    redis.call('HINCRBY', K_meta, 'n:expired_items', items)
  end
  return { #ids, items }
end
