--[[
  requeue.lua: make scheduled ASINs due now and reset their failure count (an operator fixed
  something). Leased ASINs are left to their lease. The attention flag stays until a check succeeds.

  KEYS[1..8] as in lease.lua (due, leases, lease worker, meta, attention, retired, drain, stream)
  ARGV[1] key prefix of the marketplace
  ARGV[2] 'asins' (ARGV[3..] are the ASINs) or 'attention' (every ASIN flagged as needing attention)
  Returns {requeued, leased (left alone), not scheduled}
]]
local prefix = ARGV[1]
local now = now_ms()
local asins
if ARGV[2] == 'attention' then
  asins = redis.call('SMEMBERS', KEYS[5])
else
  asins = {}
  for i = 3, #ARGV do asins[#asins + 1] = ARGV[i] end
end
local requeued, leased, missing = 0, 0, 0
for _, asin in ipairs(asins) do
  local skey = state_key(prefix, asin)
  local raw = redis.call('HGET', skey, asin)
  if not raw then
    missing = missing + 1
  elseif redis.call('ZSCORE', KEYS[1], asin) then
    local s = decode_state(raw)
    if s[2] ~= '0' then
      s[2] = '0'
      redis.call('HSET', skey, asin, encode_state(s))
    end
    redis.call('ZADD', KEYS[1], now, asin)
    requeued = requeued + 1
  else
    leased = leased + 1
  end
end
return { requeued, leased, missing }
