--[[
  lease.lua: hand a worker a batch of due ASINs of one marketplace.
  Reaps expired leases first (lazily; the coordinator's reaper does the same on a timer).

  KEYS[1] due          zset   ASIN -> due time (epoch ms); holds every scheduled ASIN not leased
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
    {1, deadline, asin1, state1, asin2, state2, ...}   a batch (state: packed product state, '' if none)
    {0, next due time or -1}                            nothing due
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

if redis.call('HGET', KEYS[4], 'paused') == '1' then return { 2 } end
if redis.call('HEXISTS', KEYS[7], ARGV[3]) == 1 then return { 4 } end

local stream_len = redis.call('XLEN', KEYS[8])
if stream_len >= max_stream then return { 3, stream_len } end
local soft = math.floor(max_stream * 0.8)
if stream_len > soft then
  max = math.max(1, math.floor(max * (max_stream - stream_len) / (max_stream - soft)))
end

local asins = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', fmt(now), 'LIMIT', 0, max)
if #asins == 0 then
  local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  if #first == 0 then return { 0, -1 } end
  return { 0, tonumber(first[2]) }
end
if redis.call('ZSCORE', KEYS[2], lease_id) then return { -5 } end

-- The batch is the lowest-ranked members, so one range removal takes them off the schedule.
redis.call('ZREMRANGEBYRANK', KEYS[1], 0, #asins - 1)
local deadline = now + tonumber(ARGV[5])
call_chunked('SADD', prefix .. 'lease:' .. lease_id, asins)
redis.call('ZADD', KEYS[2], deadline, lease_id)
redis.call('HSET', KEYS[3], lease_id, ARGV[3])
redis.call('HINCRBY', KEYS[4], 'leased', #asins)
redis.call('HINCRBY', KEYS[4], 'n:leased', #asins)

local reply = { 1, deadline }
for _, asin in ipairs(asins) do
  reply[#reply + 1] = asin
  reply[#reply + 1] = redis.call('HGET', state_key(prefix, asin), asin) or ''
end
return reply
