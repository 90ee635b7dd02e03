--[[
  reap.lua: return the ASINs of expired leases to the schedule, each exactly once (a reaped lease is
  gone, so a late settle finds it unknown and records nothing).

  KEYS[1..8] as in lease.lua (wheel, leases, lease worker, meta, attention, retired, drain, stream)
  ARGV[1] key prefix of the marketplace
  ARGV[2] most leases to reap in this call
  Returns {leases reaped, ASINs returned}
]]
return reap_expired(ARGV[1], KEYS[1], KEYS[2], KEYS[3], KEYS[4], now_ms(), tonumber(ARGV[2]))
