--[[
  inspect.lua: the scheduling state of one ASIN (read-only).

  KEYS[1..8] as in lease.lua (wheel, leases, lease worker, meta, attention, retired, drain, stream)
  ARGV[1] key prefix of the marketplace
  ARGV[2] ASIN
  Returns {packed state, due time (epoch ms) or -1 when leased}, or {} when the ASIN is not scheduled
]]
local prefix = ARGV[1]
local asin = ARGV[2]
local raw = redis.call('HGET', state_key(prefix, asin), asin)
if not raw or raw == TOMB then return {} end
local due = tonumber(decode_state(raw)[STATE_FIELDS])
if due and redis.call('LPOS', prefix .. 'w:' .. slot_of(due), asin) then return { raw, due } end
if redis.call('ZSCORE', prefix .. 'due', asin) then
  return { raw, tonumber(redis.call('ZSCORE', prefix .. 'due', asin)) }
end
return { raw, -1 }
