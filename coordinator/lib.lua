--[[
  lib.lua: helpers shared by every coordinator script; prepended to each script when it is loaded.

  Key layout (all in the marketplace's hash slot; P = the marketplace's key prefix "{<prefix>:m:<code>}:"):
    P..'s:'<bucket>    hash   ASIN -> packed product state (see below); bucket = bucket_of(ASIN), 65536 buckets
    P..'lease:'<id>    set    ASINs of lease <id> not yet settled
    P..'st:'<minute>   hash   outcome -> checks settled in that minute (epoch minute); expires after 2 h
    P..'retiring'      set    ASINs retired by a check whose retirement the catalog has not recorded yet

  Packed product state, 11 fields joined by '|':
    1 trackers  2 consecutive product failures  3 volatility (0..1000)  4 last successful check (epoch ms, 0: never)
    5..11 last price of each series in SERIES order (new, amazon, new_3p, used, warehouse, refurbished, collectible):
      ''          never observed
      '-'         observed with no offer at the time of field 4
      '<n>'       observed at price n (minor units) at the time of field 4
      '<v>@<ms>'  as above, but observed at <ms> (an earlier check that looked at this series)
]]
local SERIES_COUNT = 7
local BUCKETS = 65536
-- Locals: a global or library lookup per use costs noticeably in the per-ASIN loops.
local s_find, s_sub, s_byte, s_match = string.find, string.sub, string.byte, string.match
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
  return prefix .. 's:' .. bucket_of(asin)
end

local STATE_PATTERN = '^([^|]*)|([^|]*)|([^|]*)|([^|]*)|([^|]*)|([^|]*)|([^|]*)|([^|]*)|([^|]*)|([^|]*)|([^|]*)$'

-- One pattern match (a single C call) is about three times faster than splitting field by field.
local function decode_state(raw)
  local f = { s_match(raw, STATE_PATTERN) }
  if #f ~= 4 + SERIES_COUNT then
    f = {}
    for k = 1, 4 + SERIES_COUNT do f[k] = '' end
    f[1], f[2], f[3], f[4] = '0', '0', '0', '0'
  end
  return f
end

local function encode_state(f)
  return t_concat(f, '|', 1, 4 + SERIES_COUNT)
end

local function fresh_state(trackers)
  return (trackers or '0') .. '|0|0|0|||||||'
end

-- Calls a variadic command on `args` in slices (Lua's unpack has a stack limit).
local function call_chunked(cmd, key, args)
  local size = 4000
  for i = 1, #args, size do
    redis.call(cmd, key, unpack(args, i, math.min(i + size - 1, #args)))
  end
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
local function drop_lease(prefix, K_due, K_leases, K_worker, K_meta, id, due)
  local set_key = prefix .. 'lease:' .. id
  local asins = redis.call('SMEMBERS', set_key)
  local back = {}
  for _, asin in ipairs(asins) do
    if redis.call('HEXISTS', state_key(prefix, asin), asin) == 1 then
      back[#back + 1] = due
      back[#back + 1] = asin
    end
  end
  if #back > 0 then call_chunked('ZADD', K_due, back) end
  redis.call('DEL', set_key)
  redis.call('ZREM', K_leases, id)
  redis.call('HDEL', K_worker, id)
  if #asins > 0 then redis.call('HINCRBY', K_meta, 'leased', -#asins) end
  return #asins
end

-- Returns up to `limit` expired leases to the schedule. Returns {leases, asins}.
local function reap_expired(prefix, K_due, K_leases, K_worker, K_meta, now, limit)
  local ids = redis.call('ZRANGEBYSCORE', K_leases, '-inf', '(' .. fmt(now), 'LIMIT', 0, limit)
  local items = 0
  for _, id in ipairs(ids) do
    items = items + drop_lease(prefix, K_due, K_leases, K_worker, K_meta, id, now)
  end
  if #ids > 0 then
    redis.call('HINCRBY', K_meta, 'n:expired_leases', #ids)
    redis.call('HINCRBY', K_meta, 'n:expired_items', items)
  end
  return { #ids, items }
end
