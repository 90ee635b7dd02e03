-- ingest-dead-letter: sets entries aside with the reason, then acknowledges and deletes them, in one
-- step (nothing is dropped silently, nothing is retried forever).
-- KEYS[1] the ingestion stream, KEYS[2] ingestDeadLetter stream
-- ARGV[1] consumer group, ARGV[2] dead-letter stream cap (approximate MAXLEN; oldest go first),
-- ARGV[3] consumer, then pairs: ARGV[4+2k] entry id, ARGV[5+2k] reason
-- Returns the number of entries set aside.
local stream, dead = KEYS[1], KEYS[2]
local group, cap, consumer = ARGV[1], ARGV[2], ARGV[3]
local n = 0
for i = 4, #ARGV, 2 do
  local id, reason = ARGV[i], ARGV[i + 1]
  local entry = redis.call('XRANGE', stream, id, id)
  local fields = {}
  if #entry > 0 then fields = entry[1][2] end
  local args = {'XADD', dead, 'MAXLEN', '~', cap, '*', 'id', id, 'reason', reason, 'consumer', consumer}
  for j = 1, #fields do args[#args + 1] = fields[j] end
  redis.call(unpack(args))
  redis.call('XACK', stream, group, id)
  redis.call('XDEL', stream, id)
  n = n + 1
end
return n
