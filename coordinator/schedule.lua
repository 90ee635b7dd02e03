--[[
  schedule.lua: put ASINs on the schedule (admin add, rebuild). An ASIN already scheduled (or leased)
  is left as it is, so adding twice changes nothing. A retired ASIN added again is tracked again; one removed
  while leased and added again is tracked again under that lease (it is rescheduled when the lease settles or ends).

  KEYS[1..8] as in lease.lua (wheel, leases, lease worker, meta, attention, retired, drain, stream)
  ARGV[1] key prefix of the marketplace
  ARGV[2..] triples: ASIN, packed state ('' = fresh), due time ms ('' = now)
  Returns {added, already scheduled}
]]
local prefix = ARGV[1]
local now = now_ms()
local added, existing = 0, 0
local pending = {}
for i = 2, #ARGV, 3 do
  local asin = ARGV[i]
  local skey = state_key(prefix, asin)
  local due = ARGV[i + 2] ~= '' and tonumber(ARGV[i + 2]) or now
  local state = ARGV[i + 1] ~= '' and with_due(ARGV[i + 1], due) or fresh_state('0', due)
  if redis.call('HSETNX', skey, asin, state) == 1 then
    added = added + 1
    wheel_add(pending, due, asin)
    redis.call('SREM', KEYS[6], asin)
  elseif redis.call('HGET', skey, asin) == TOMB then
    -- Removed while leased: its lease puts it back on the wheel.
    redis.call('HSET', skey, asin, with_due(state, ''))
    added = added + 1
  else
    existing = existing + 1
  end
end
wheel_push(prefix, KEYS[1], pending)
if added > 0 then redis.call('HINCRBY', KEYS[4], 'products', added) end
return { added, existing }
