--[[
  settle.lua: record the results of checks of one lease (acknowledged or failed), atomically:
  verify the lease still holds every ASIN, reschedule each, update last prices, failure counts,
  volatility, attention and retirement, per-minute counters, and append the envelope to the
  marketplace's ingestion stream. If the lease is lost nothing is recorded.

  KEYS[1] wheel        zset   the wheel's index (lease.lua); the next due time goes onto the wheel
  KEYS[2] leases       zset   lease id -> deadline (epoch ms)
  KEYS[3] lease worker hash   lease id -> worker id
  KEYS[4] meta         hash   products, leased, n:<outcome> (cumulative checks by outcome)
  KEYS[5] attention    set    ASINs needing attention
  KEYS[6] retired      set    ASINs Amazon no longer has (also added to P..'retiring' until the catalog records them)
  KEYS[7] drain        hash   (unused here)
  KEYS[8] stream       stream the marketplace's ingestion stream
  ARGV[1]  key prefix of the marketplace ("{<prefix>:m:<code>}:")
  ARGV[2]  lease id
  ARGV[3]  envelope JSON to append ('' appends nothing)
  ARGV[4]  stream entry field name
  ARGV[5]  shortest check interval, ms        ARGV[6]  longest check interval, ms
  ARGV[7]  jitter fraction                    ARGV[8]  tracker count earning the shortest interval
  ARGV[9]  volatility smoothing factor (0..1) ARGV[10] first failure back-off, ms
  ARGV[11] failure back-off cap, ms           ARGV[12] consecutive failures that flag attention
  ARGV[13] retry delay after captcha/blocked, ms
  ARGV[14] random seed                        ARGV[15] number of checks n
  ARGV[15 + i] check i, 10 fields joined by '|': ASIN, outcome, checkedAt (ms, ok only), then 7 prices in
           SERIES order: '' not looked at, '-' no offer, digits = price in minor units (one argument per
           check rather than ten: fewer arguments to parse on both sides)
  Returns:
    {1, stream entry id or '', n}   recorded
    {-1}                            unknown lease (settled, handed back or reaped)
    {-2}                            lease expired (its ASINs were returned to the schedule now)
    {-3, asin, ...}                 these ASINs are not held by the lease; nothing recorded
]]
--[[
  Folds a successful check's seven price fields `news` (SERIES order) into a state's, held at olds[base + k]:
  a series the check looked at takes its new value; one it did not look at keeps its value, marked with the
  time it was seen (`last`, the state's previous successful check) unless already marked. Returns how many
  series had a value before and now, and 1 when any of those values changed (else 0).
]]
local function merge_prices(olds, base, news, last)
  local compared, changed = 0, 0
  for k = 1, SERIES_COUNT do
    local nv = news[k]
    local ov = olds[base + k]
    if nv ~= '' then
      if ov ~= '' then
        compared = compared + 1
        local sep = s_find(ov, '@', 1, true)
        if (sep and s_sub(ov, 1, sep - 1) or ov) ~= nv then changed = 1 end
      end
      olds[base + k] = nv
    elseif ov ~= '' and last ~= '0' and not s_find(ov, '@', 1, true) then
      olds[base + k] = ov .. '@' .. last
    end
  end
  return compared, changed
end

local prefix = ARGV[1]
local lease_id = ARGV[2]
local set_key = prefix .. 'lease:' .. lease_id
local now = now_ms()

local deadline = redis.call('ZSCORE', KEYS[2], lease_id)
if not deadline then return { -1 } end
if tonumber(deadline) < now then
  local items = drop_lease(prefix, KEYS[1], KEYS[2], KEYS[3], KEYS[4], lease_id, now)
  redis.call('HINCRBY', KEYS[4], 'n:expired_leases', 1)
  redis.call('HINCRBY', KEYS[4], 'n:expired_items', items)
  return { -2 }
end

local argv = ARGV
local n = tonumber(argv[15])
-- A check is split into ASIN, outcome, check time and its seven price fields kept as one string: most
-- checks see the prices the state already holds, and then the two strings are simply equal (below).
local CHECK_PATTERN = '^([^|]*)|([^|]*)|([^|]*)|([^|]*|[^|]*|[^|]*|[^|]*|[^|]*|[^|]*|[^|]*)$'
local PRICES_PATTERN = '^([^|]*)|([^|]*)|([^|]*)|([^|]*)|([^|]*)|([^|]*)|([^|]*)$'
local NO_PRICES = '||||||'
-- A state from its parts; the due time through %d, which formats a 13-digit integer faster than
-- concatenation does, where %d holds 64 bits (else %.0f: the same text).
local STATE_FORMAT = '%s|0|%s|%s|%s|' .. (s_format('%d', 2 ^ 53) == '9007199254740992' and '%d' or '%.0f')
-- Parallel arrays rather than a table per check: fewer allocations in the per-ASIN path.
local asins, outcomes, checked_ats, check_prices = {}, {}, {}, {}
for i = 1, n do
  local asin, outcome, at, prices = s_match(argv[15 + i], CHECK_PATTERN)
  if not asin then return redis.error_reply('malformed check ' .. i) end
  asins[i], outcomes[i], checked_ats[i], check_prices[i] = asin, outcome, at, prices
end
if n > 0 then
  local held = redis.call('SMISMEMBER', set_key, unpack(asins))
  local missing = { -3 }
  for i = 1, n do
    if held[i] == 0 then missing[#missing + 1] = asins[i] end
  end
  if #missing > 1 then return missing end
end

local p = policy(ARGV[5], ARGV[6], ARGV[7], ARGV[8])
local alpha = tonumber(ARGV[9])
local backoff = tonumber(ARGV[10])
local max_backoff = tonumber(ARGV[11])
local attention_after = tonumber(ARGV[12])
local blocked_retry = tonumber(ARGV[13])
math.randomseed(tonumber(ARGV[14]))

local pending = {}
local counts = {}
local retired = 0
for i = 1, n do
  local asin, outcome, checked_at, new_prices = asins[i], outcomes[i], checked_ats[i], check_prices[i]
  counts[outcome] = (counts[outcome] or 0) + 1
  local skey = state_key(prefix, asin)
  local raw = redis.call('HGET', skey, asin)
  local trackers, fails, vol_s, last_s, prices
  if raw and raw ~= TOMB and outcome == 'ok' then
    trackers, fails, vol_s, last_s, prices = s_match(raw, STATE_SPLIT)
  end
  -- A product removed while it was leased is settled (its results still go to the stream) but not rescheduled.
  if raw == TOMB then
    redis.call('HDEL', skey, asin)
  elseif prices ~= nil then
    -- A successful check of a state in the current layout. Most checks see the prices the state already
    -- holds: then the two strings are equal and nothing is compared series by series.
    local compared, changed = 0, 0
    if prices == new_prices then
      -- Something was compared unless neither holds any value.
      if prices ~= NO_PRICES then compared = 1 end
    elseif prices == NO_PRICES then
      -- Nothing seen before (a first check): the check's fields become the state's.
      prices = new_prices
    else
      local olds = { s_match(prices, PRICES_PATTERN) }
      compared, changed = merge_prices(olds, 0, { s_match(new_prices, PRICES_PATTERN) }, last_s)
      prices = t_concat(olds, '|', 1, SERIES_COUNT)
    end
    if compared > 0 then vol_s = s_format('%d', m_floor(tonumber(vol_s) * (1 - alpha) + 1000 * alpha * changed + 0.5)) end
    -- Only a product with failures can be flagged.
    if fails ~= '0' then redis.call('SREM', KEYS[5], asin) end
    local at = now + check_interval(p, tonumber(trackers), tonumber(vol_s))
    redis.call('HSET', skey, asin, s_format(STATE_FORMAT, trackers, vol_s, checked_at, prices, at))
    wheel_add(pending, at, asin)
  elseif raw then
    -- Any other outcome, or a state of an older layout.
    local s = decode_state(raw)
    local at = nil
    if outcome == 'ok' then
      local compared, changed = merge_prices(s, 4, { s_match(new_prices, PRICES_PATTERN) }, s[4])
      s[4] = checked_at
      local vol = tonumber(s[3])
      if compared > 0 then
        vol = m_floor(vol * (1 - alpha) + 1000 * alpha * changed + 0.5)
        s[3] = tostring(vol)
      end
      -- Only a product with failures can be flagged.
      if s[2] ~= '0' then
        s[2] = '0'
        redis.call('SREM', KEYS[5], asin)
      end
      at = now + check_interval(p, tonumber(s[1]), vol)
    elseif outcome == 'captcha' or outcome == 'blocked' then
      at = now + blocked_retry
    elseif outcome == 'not_found' then
      redis.call('HDEL', skey, asin)
      redis.call('SADD', KEYS[6], asin)
      redis.call('SADD', prefix .. 'retiring', asin)
      redis.call('SREM', KEYS[5], asin)
      retired = retired + 1
    else
      local fails = tonumber(s[2]) + 1
      s[2] = tostring(fails)
      at = now + m_min(backoff * m_pow(2, fails - 1), max_backoff)
      if fails >= attention_after then redis.call('SADD', KEYS[5], asin) end
    end
    if at then
      s[STATE_FIELDS] = at
      redis.call('HSET', skey, asin, encode_state(s))
      wheel_add(pending, at, asin)
    end
  end
end

if n > 0 then
  call_chunked('SREM', set_key, asins)
  redis.call('HINCRBY', KEYS[4], 'leased', -n)
end
wheel_push(prefix, KEYS[1], pending)
if retired > 0 then redis.call('HINCRBY', KEYS[4], 'products', -retired) end
if redis.call('SCARD', set_key) == 0 then
  redis.call('DEL', set_key)
  redis.call('ZREM', KEYS[2], lease_id)
  redis.call('HDEL', KEYS[3], lease_id)
end

local minute_key = prefix .. 'st:' .. fmt(math.floor(now / 60000))
for outcome, c in pairs(counts) do
  redis.call('HINCRBY', minute_key, outcome, c)
  redis.call('HINCRBY', KEYS[4], 'n:' .. outcome, c)
end
if n > 0 then redis.call('EXPIRE', minute_key, 7200) end

local id = ''
if ARGV[3] ~= '' then id = redis.call('XADD', KEYS[8], '*', ARGV[4], ARGV[3]) end
return { 1, id, n }
