--[[
  lease-release.lua / renew: a short lease held under a key (the detector of a marketplace, the
  judging of a marketplace's changes). Only the owner may renew or release it.

  KEYS[1] the lease key
  ARGV[1] owner token   ARGV[2] 'release', or a new length in ms to renew
  Returns 1 when done, 0 when the key is not held by this owner.
]]
if redis.call('GET', KEYS[1]) ~= ARGV[1] then
  return 0
end
if ARGV[2] == 'release' then
  redis.call('DEL', KEYS[1])
else
  redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]))
end
return 1
