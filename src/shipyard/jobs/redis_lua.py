"""The Lua scripts behind :class:`shipyard.jobs.redis.RedisBackend`, one per state change.

Every script gets the key prefix as ``ARGV[1]`` and builds its keys from it (a standalone
Redis or one cluster slot via a ``{hash-tag}`` prefix). Keys under the prefix:

- ``job:<id>``: hash with the job's fields (times in epoch microseconds, JSON for
  ``payload``/``meta``), plus ``seq`` (enqueue order) and ``entry`` (its stream entry id).
- ``stream:<queue>:<priority>``: a stream with consumer group ``workers``; an entry holds
  a job id. Delivered, unacknowledged entries are the leased jobs.
- ``prios:<queue>``: sorted set of the priorities that queue has streams for.
- ``delayed:<queue>``: sorted set of scheduled and failed job ids by ``run_at``.
- ``leases:<queue>``: sorted set of running job ids by ``lease_until``.
- ``idx:<queue>:<state>``: sorted set of job ids by ``seq``, for listing and counting.
- ``done:<queue>:<state>``: sorted set of finished (succeeded, dead, cancelled) job ids by
  ``finished_at``, for throughput (``ZCOUNT`` since a moment).
- ``unique:<key>``: the id of the pending job holding a unique key (``SET NX``).
- ``queues``: set of queue names; ``seq``: enqueue counter.
- ``signal``: a short stream with one entry per script that made jobs ready, which idle
  workers block on (``XREAD BLOCK``) to wake up at once.
"""

from __future__ import annotations

GROUP = "workers"

_PRELUDE = """
local P = ARGV[1]
local GROUP = 'workers'
local pushed = false
local function jkey(id) return P .. 'job:' .. id end
local function skey(q, prio) return P .. 'stream:' .. q .. ':' .. prio end

local FINAL = {succeeded = true, dead = true, cancelled = true}

local function set_state(id, new)
  local k = jkey(id)
  local f = redis.call('HMGET', k, 'state', 'queue', 'seq')
  if f[1] then redis.call('ZREM', P .. 'idx:' .. f[2] .. ':' .. f[1], id) end
  if f[1] and FINAL[f[1]] then redis.call('ZREM', P .. 'done:' .. f[2] .. ':' .. f[1], id) end
  redis.call('ZADD', P .. 'idx:' .. f[2] .. ':' .. new, f[3], id)
  redis.call('HSET', k, 'state', new)
end

local function push(id)
  local k = jkey(id)
  local f = redis.call('HMGET', k, 'queue', 'priority')
  local s = skey(f[1], f[2])
  if redis.call('EXISTS', s) == 0 then
    redis.call('XGROUP', 'CREATE', s, GROUP, '0', 'MKSTREAM')
  end
  redis.call('ZADD', P .. 'prios:' .. f[1], f[2], f[2])
  redis.call('HSET', k, 'entry', redis.call('XADD', s, '*', 'id', id))
  pushed = true
end

local function signal()
  if pushed then redis.call('XADD', P .. 'signal', 'MAXLEN', '~', 100, '*', 'ready', 1) end
end

local function unstream(id)
  local k = jkey(id)
  local f = redis.call('HMGET', k, 'queue', 'priority', 'entry')
  if f[3] then
    local s = skey(f[1], f[2])
    redis.call('XACK', s, GROUP, f[3])
    redis.call('XDEL', s, f[3])
    redis.call('HDEL', k, 'entry')
  end
end

local function schedule(id, at)
  local q = redis.call('HGET', jkey(id), 'queue')
  redis.call('ZADD', P .. 'delayed:' .. q, at, id)
  redis.call('HSET', jkey(id), 'run_at', at)
end

local function unschedule(id)
  local q = redis.call('HGET', jkey(id), 'queue')
  redis.call('ZREM', P .. 'delayed:' .. q, id)
end

local function drop_lease(id)
  local q = redis.call('HGET', jkey(id), 'queue')
  redis.call('ZREM', P .. 'leases:' .. q, id)
  redis.call('HDEL', jkey(id), 'lease_until')
end

local function release_unique(id)
  local u = redis.call('HGET', jkey(id), 'unique_key')
  if u and redis.call('GET', P .. 'unique:' .. u) == id then
    redis.call('DEL', P .. 'unique:' .. u)
  end
end

local function finish(id, state, now)
  set_state(id, state)
  redis.call('HSET', jkey(id), 'finished_at', now)
  redis.call('ZADD', P .. 'done:' .. redis.call('HGET', jkey(id), 'queue') .. ':' .. state, now, id)
end

local function forget(id)
  local f = redis.call('HMGET', jkey(id), 'state', 'queue')
  unstream(id)
  unschedule(id)
  drop_lease(id)
  release_unique(id)
  redis.call('ZREM', P .. 'idx:' .. f[2] .. ':' .. f[1], id)
  redis.call('ZREM', P .. 'done:' .. f[2] .. ':' .. f[1], id)
  redis.call('DEL', jkey(id))
end

local function holds_lease(id, worker)
  local f = redis.call('HMGET', jkey(id), 'state', 'worker')
  return f[1] == 'running' and f[2] == worker
end

local PENDING = {queued = true, scheduled = true, failed = true, running = true}

-- Drop a worker's consumer from a stream's group once it holds no entry there, so the
-- consumers of crashed and stopped workers do not pile up.
local function drop_idle_consumer(s, consumer)
  if #redis.call('XPENDING', s, GROUP, '-', '+', 1, consumer) == 0 then
    redis.call('XGROUP', 'DELCONSUMER', s, GROUP, consumer)
  end
end
"""

ENQUEUE = (
    _PRELUDE
    + """
-- ARGV: prefix, jobs (JSON list of {id, fields, queue, unique_key?, run_at?})
local ids = {}
for i, job in ipairs(cjson.decode(ARGV[2])) do
  local holder = false
  if redis.call('EXISTS', jkey(job.id)) == 1 then
    holder = job.id
  elseif job.unique_key then
    local uk = P .. 'unique:' .. job.unique_key
    holder = redis.call('GET', uk)
    if holder and not PENDING[redis.call('HGET', jkey(holder), 'state')] then
      holder = false
    end
    if not holder then redis.call('SET', uk, job.id) end
  end
  if holder then
    ids[i] = holder
  else
    local args = {}
    for name, value in pairs(job.fields) do
      args[#args + 1] = name
      args[#args + 1] = value
    end
    redis.call('HSET', jkey(job.id), 'seq', redis.call('INCR', P .. 'seq'), unpack(args))
    redis.call('SADD', P .. 'queues', job.queue)
    if job.run_at then
      set_state(job.id, 'scheduled')
      schedule(job.id, job.run_at)
    else
      set_state(job.id, 'queued')
      push(job.id)
    end
    ids[i] = job.id
  end
end
signal()
return ids
"""
)

FETCH = (
    _PRELUDE
    + """
-- ARGV: prefix, now, worker, lease_until, limit, queue...
local now, worker, lease_until = ARGV[2], ARGV[3], ARGV[4]
local remaining = tonumber(ARGV[5])
local queues = {}
for i = 6, #ARGV do queues[#queues + 1] = ARGV[i] end
local out = {}

local function lease(id)
  local k = jkey(id)
  set_state(id, 'running')
  redis.call('HINCRBY', k, 'attempts', 1)
  redis.call('HSET', k, 'worker', worker, 'lease_until', lease_until)
  redis.call('ZADD', P .. 'leases:' .. redis.call('HGET', k, 'queue'), lease_until, id)
  out[#out + 1] = redis.call('HGETALL', k)
  remaining = remaining - 1
end

-- Scheduled and failed jobs whose time has come join their streams, earliest first.
for _, q in ipairs(queues) do
  local due = redis.call('ZRANGEBYSCORE', P .. 'delayed:' .. q, '-inf', now, 'LIMIT', 0, 1000)
  for _, id in ipairs(due) do
    redis.call('ZREM', P .. 'delayed:' .. q, id)
    push(id)
  end
end

-- Expired leases (the worker died): claim the pending stream entry for this worker.
for _, q in ipairs(queues) do
  if remaining <= 0 then break end
  local expired = redis.call(
    'ZRANGEBYSCORE', P .. 'leases:' .. q, '-inf', now, 'LIMIT', 0, remaining)
  for _, id in ipairs(expired) do
    local f = redis.call('HMGET', jkey(id), 'priority', 'entry', 'worker')
    if f[2] then
      redis.call('XCLAIM', skey(q, f[1]), GROUP, worker, 0, f[2], 'JUSTID')
      if f[3] and f[3] ~= worker then drop_idle_consumer(skey(q, f[1]), f[3]) end
    end
    lease(id)
  end
end

-- New entries: highest priority first, then queues in the order given.
local streams = {}
for qi, q in ipairs(queues) do
  for _, prio in ipairs(redis.call('ZRANGE', P .. 'prios:' .. q, 0, -1)) do
    streams[#streams + 1] = {tonumber(prio), qi, skey(q, prio)}
  end
end
table.sort(streams, function(a, b)
  if a[1] ~= b[1] then return a[1] > b[1] end
  return a[2] < b[2]
end)
for _, stream in ipairs(streams) do
  while remaining > 0 do
    local got = redis.call(
      'XREADGROUP', 'GROUP', GROUP, worker, 'COUNT', remaining, 'STREAMS', stream[3], '>')
    if not got then break end
    for _, entry in ipairs(got[1][2]) do
      local id = entry[2][2]
      local state = redis.call('HGET', jkey(id), 'state')
      if state == 'queued' or state == 'scheduled' or state == 'failed' then
        lease(id)
      else
        redis.call('XACK', stream[3], GROUP, entry[1])
        redis.call('XDEL', stream[3], entry[1])
      end
    end
  end
end
return out
"""
)

EXTEND = (
    _PRELUDE
    + """
-- ARGV: prefix, id, worker, lease_until
local id = ARGV[2]
if not holds_lease(id, ARGV[3]) then return 0 end
redis.call('HSET', jkey(id), 'lease_until', ARGV[4])
redis.call('ZADD', P .. 'leases:' .. redis.call('HGET', jkey(id), 'queue'), ARGV[4], id)
return 1
"""
)

SUCCEED = (
    _PRELUDE
    + """
-- ARGV: prefix, id, worker, now
local id = ARGV[2]
if not holds_lease(id, ARGV[3]) then return 0 end
unstream(id)
drop_lease(id)
finish(id, 'succeeded', ARGV[4])
release_unique(id)
return 1
"""
)

FAIL = (
    _PRELUDE
    + """
-- ARGV: prefix, id, worker, now, error, traceback, retry_at ('' to dead-letter)
local id = ARGV[2]
if not holds_lease(id, ARGV[3]) then return 0 end
unstream(id)
drop_lease(id)
redis.call('HSET', jkey(id), 'last_error', ARGV[5], 'traceback', ARGV[6])
if ARGV[7] ~= '' then
  set_state(id, 'failed')
  schedule(id, ARGV[7])
else
  finish(id, 'dead', ARGV[4])
  release_unique(id)
end
return 1
"""
)

RELEASE = (
    _PRELUDE
    + """
-- ARGV: prefix, id, worker
local id = ARGV[2]
if not holds_lease(id, ARGV[3]) then return 0 end
unstream(id)
drop_lease(id)
redis.call('HINCRBY', jkey(id), 'attempts', -1)
redis.call('HDEL', jkey(id), 'worker')
set_state(id, 'queued')
push(id)
signal()
return 1
"""
)

CANCEL = (
    _PRELUDE
    + """
-- ARGV: prefix, id, now
local id = ARGV[2]
local state = redis.call('HGET', jkey(id), 'state')
if state ~= 'queued' and state ~= 'scheduled' and state ~= 'failed' then return 0 end
unstream(id)
unschedule(id)
finish(id, 'cancelled', ARGV[3])
release_unique(id)
return 1
"""
)

RETRY = (
    _PRELUDE
    + """
-- ARGV: prefix, id
local id = ARGV[2]
local k = jkey(id)
local state = redis.call('HGET', k, 'state')
if state ~= 'dead' and state ~= 'failed' then return 0 end
unstream(id)
unschedule(id)
redis.call('HSET', k, 'attempts', 0)
redis.call('HDEL', k, 'run_at', 'finished_at', 'worker')
local u = redis.call('HGET', k, 'unique_key')
if u then redis.call('SET', P .. 'unique:' .. u, id, 'NX') end
set_state(id, 'queued')
push(id)
signal()
return 1
"""
)

PURGE = (
    _PRELUDE
    + """
-- ARGV: prefix, batch size, finished before ('' for any time), state...; deletes up to one
-- batch, returns how many. With a time, only finished jobs, found by finished_at.
local budget = tonumber(ARGV[2])
local before = ARGV[3]
local removed = 0
for _, q in ipairs(redis.call('SMEMBERS', P .. 'queues')) do
  for i = 4, #ARGV do
    if budget <= 0 then return removed end
    local ids
    if before == '' then
      ids = redis.call('ZRANGE', P .. 'idx:' .. q .. ':' .. ARGV[i], 0, budget - 1)
    else
      local done = P .. 'done:' .. q .. ':' .. ARGV[i]
      ids = redis.call('ZRANGEBYSCORE', done, '-inf', '(' .. before, 'LIMIT', 0, budget)
    end
    for _, id in ipairs(ids) do
      forget(id)
      removed = removed + 1
      budget = budget - 1
    end
  end
end
return removed
"""
)

DELETE = (
    _PRELUDE
    + """
-- ARGV: prefix, id; deletes a finished job, returns 1 (0 if unknown or still pending)
local id = ARGV[2]
if not FINAL[redis.call('HGET', jkey(id), 'state')] then return 0 end
forget(id)
return 1
"""
)

FORGET_WORKER = (
    _PRELUDE
    + """
-- ARGV: prefix, worker; removes its consumer from every stream where it holds no entry
for _, q in ipairs(redis.call('SMEMBERS', P .. 'queues')) do
  for _, prio in ipairs(redis.call('ZRANGE', P .. 'prios:' .. q, 0, -1)) do
    local s = skey(q, prio)
    if redis.call('EXISTS', s) == 1 then drop_idle_consumer(s, ARGV[2]) end
  end
end
return 0
"""
)
