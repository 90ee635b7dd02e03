--[[
  requeue.lua: make scheduled ASINs due now and reset their failure count (an operator fixed
  something). Leased ASINs are left to their lease. The attention flag stays until a check succeeds.

  KEYS[1..8] as in lease.lua (wheel, leases, lease worker, meta, attention, retired, drain, stream)
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
migrate_legacy(prefix, KEYS[1], 100000)
local pending = {}
for _, asin in ipairs(asins) do
  local skey = state_key(prefix, asin)
  local raw = redis.call('HGET', skey, asin)
  if not raw or raw == TOMB then
    missing = missing + 1
  else
    local s = decode_state(raw)
    if wheel_remove(prefix, KEYS[1], asin, s[STATE_FIELDS]) then
      s[2] = '0'
      s[STATE_FIELDS] = now
      redis.call('HSET', skey, asin, encode_state(s))
      wheel_add(pending, now, asin)
      requeued = requeued + 1
    else
      leased = leased + 1
    end
  end
end
wheel_push(prefix, KEYS[1], pending)
return { requeued, leased, missing }
