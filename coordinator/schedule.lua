--[[
  schedule.lua: put ASINs on the schedule (admin add, rebuild). An ASIN already scheduled (or leased)
  is left as it is, so adding twice changes nothing. A retired ASIN added again is tracked again.

  KEYS[1..8] as in lease.lua (due, leases, lease worker, meta, attention, retired, drain, stream)
  ARGV[1] key prefix of the marketplace
  ARGV[2..] triples: ASIN, packed state ('' = fresh), due time ms ('' = now)
  Returns {added, already scheduled}
]]
local prefix = ARGV[1]
local now = now_ms()
local added, existing = 0, 0
local due = {}
for i = 2, #ARGV, 3 do
  local asin = ARGV[i]
  local skey = state_key(prefix, asin)
  if redis.call('HSETNX', skey, asin, ARGV[i + 1] ~= '' and ARGV[i + 1] or fresh_state('0')) == 1 then
    added = added + 1
    due[#due + 1] = ARGV[i + 2] ~= '' and ARGV[i + 2] or fmt(now)
    due[#due + 1] = asin
    redis.call('SREM', KEYS[6], asin)
  else
    existing = existing + 1
  end
end
if #due > 0 then call_chunked('ZADD', KEYS[1], due) end
if added > 0 then redis.call('HINCRBY', KEYS[4], 'products', added) end
return { added, existing }
