--[[
  queue-enqueue.lua: queue deliveries that are not queued, in flight, or known to have been queued
  before. A replayed detection batch (after a crash before its cursor moved) finds its deliveries in
  the known set and queues nothing twice; the periodic reconcile (pending rows of ClickHouse put back
  after Redis lost them) finds live ones in the due or in-flight set.

  KEYS[1] due set (delivery id -> due ms)   KEYS[2] in-flight set (delivery id -> claim deadline ms)
  KEYS[3] known set of the marketplace (delivery id -> ingest_seq of its trigger)
  ARGV triples: delivery id, ingest_seq of its trigger, due ms
  Returns the number of deliveries queued.
]]
local queued = 0
for i = 1, #ARGV, 3 do
  local id = ARGV[i]
  if not redis.call('ZSCORE', KEYS[3], id) and not redis.call('ZSCORE', KEYS[1], id) and not redis.call('ZSCORE', KEYS[2], id) then
    redis.call('ZADD', KEYS[3], ARGV[i + 1], id)
    redis.call('ZADD', KEYS[1], ARGV[i + 2], id)
    queued = queued + 1
  end
end
return queued
