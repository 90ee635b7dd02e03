--[[
  lease.lua: hand a worker a batch of due ASINs of one marketplace.
  Reaps expired leases first (lazily; the coordinator's reaper does the same on a timer).

  KEYS[1] wheel        zset   the wheel's index: slot -> slot (seconds since the epoch) of every non-empty slot
                              list P..'w:'<slot>; the lists hold every scheduled ASIN not leased (see lib.lua)
  KEYS[2] leases       zset   lease id -> deadline (epoch ms)
  KEYS[3] lease worker hash   lease id -> worker id
  KEYS[4] meta         hash   paused, products, leased, n:<counter>
  KEYS[5] attention    set    (unused here)
  KEYS[6] retired      set    (unused here)
  KEYS[7] drain        hash   worker id -> drain time (epoch ms)
  KEYS[8] stream       stream the marketplace's ingestion stream
  ARGV[1] key prefix of the marketplace ("{<prefix>:m:<code>}:")
  ARGV[2] lease id (new, unique)
  ARGV[3] worker id
  ARGV[4] most ASINs to lease
  ARGV[5] lease length, ms
  ARGV[6] stream length at which leasing stops (back-pressure); from 80 % of it batches shrink
  ARGV[7] most expired leases to reap in this call
  Returns:
    {1, deadline, asin1, state1, asin2, state2, ...}   a batch, earliest slots first (state: packed product state)
    {0, next due time or -1}                            nothing due (the next due time may be up to a second
                                                        early: the start of the next slot)
    {2}                                                 paused
    {3, stream length}                                  back-pressure
    {4}                                                 this worker is draining
    {-5}                                                lease id already in use
]]
local prefix = ARGV[1]
local lease_id = ARGV[2]
local max = tonumber(ARGV[4])
local max_stream = tonumber(ARGV[6])
local now = now_ms()

reap_expired(prefix, KEYS[1], KEYS[2], KEYS[3], KEYS[4], now, tonumber(ARGV[7]))
migrate_legacy(prefix, KEYS[1], 2000)

if redis.call('HGET', KEYS[4], 'paused') == '1' then return { 2 } end
if redis.call('HEXISTS', KEYS[7], ARGV[3]) == 1 then return { 4 } end

local stream_len = redis.call('XLEN', KEYS[8])
if stream_len >= max_stream then return { 3, stream_len } end
local soft = math.floor(max_stream * 0.8)
if stream_len > soft then
  max = math.max(1, math.floor(max * (max_stream - stream_len) / (max_stream - soft)))
end
if redis.call('ZSCORE', KEYS[2], lease_id) then return { -5 } end

local reply = { 1, 0 }
local asins = {}
-- Counts kept by hand: Lua's length operator searches the table each time.
local count, reply_len = 0, 2
local next_due = -1
local now_slot = slot_of(now)
while count < max do
  local first = redis.call('ZRANGE', KEYS[1], 0, 0)
  if #first == 0 then break end
  local slot = tonumber(first[1])
  if slot > now_slot then
    next_due = slot * SLOT_MS
    break
  end
  local key = prefix .. 'w:' .. first[1]
  if slot < now_slot then
    -- A past second: every entry is due.
    local popped = redis.call('LPOP', key, max - count)
    if popped then
      for _, asin in ipairs(popped) do
        local raw = redis.call('HGET', state_key(prefix, asin), asin)
        -- Only a corrupted wheel holds an ASIN without a live state; dropping it is the repair.
        if raw and raw ~= TOMB then
          count = count + 1
          asins[count] = asin
          reply[reply_len + 1], reply[reply_len + 2] = asin, raw
          reply_len = reply_len + 2
        end
      end
    end
    if redis.call('EXISTS', key) == 0 then redis.call('ZREM', KEYS[1], slot) end
  else
    -- The current second: take the entries already due, at most one pass over the list; the rest go back.
    local later = {}
    local left = redis.call('LLEN', key)
    while left > 0 and count < max do
      local popped = redis.call('LPOP', key, m_min(left, max - count))
      if not popped then break end
      left = left - #popped
      for _, asin in ipairs(popped) do
        local raw = redis.call('HGET', state_key(prefix, asin), asin)
        if raw and raw ~= TOMB then
          local due = tonumber(decode_state(raw)[STATE_FIELDS]) or 0
          if due <= now then
            count = count + 1
            asins[count] = asin
            reply[reply_len + 1], reply[reply_len + 2] = asin, raw
            reply_len = reply_len + 2
          else
            later[#later + 1] = asin
            if next_due < 0 or due < next_due then next_due = due end
          end
        end
      end
    end
    if #later > 0 then call_chunked('RPUSH', key, later) end
    if redis.call('EXISTS', key) == 0 then redis.call('ZREM', KEYS[1], slot) end
    -- Later slots are in the future.
    break
  end
end

if count == 0 then
  if next_due < 0 then
    local first = redis.call('ZRANGE', KEYS[1], 0, 0)
    if #first > 0 then next_due = tonumber(first[1]) * SLOT_MS end
  end
  return { 0, next_due }
end

local deadline = now + tonumber(ARGV[5])
reply[2] = deadline
call_chunked('SADD', prefix .. 'lease:' .. lease_id, asins)
redis.call('ZADD', KEYS[2], deadline, lease_id)
redis.call('HSET', KEYS[3], lease_id, ARGV[3])
redis.call('HINCRBY', KEYS[4], 'leased', count)
redis.call('HINCRBY', KEYS[4], 'n:leased', count)
return reply
