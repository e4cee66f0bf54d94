package org.inferenceauth.gateway.limit.store;

import io.lettuce.core.ScriptOutputType;

/**
 * The Lua scripts of {@link RedisLimitStore}. Admissions and settlements go to Redis in batches, one
 * script run each ({@link #BATCH}): Redis runs it atomically, so no compare-and-swap retries between
 * replicas, and every request in it is decided exactly as if it had run alone, in order. Time is
 * Redis's own clock (milliseconds), the same for every replica.
 */
final class RedisScripts {

    private RedisScripts() {}

    /**
     * One run for a batch of settlements and admissions (every request this replica had waiting
     * while the previous run was out): each key is read at most once and written at most once per run,
     * whatever number of requests touch it, so a run costs a few {@code redis.call}s per key instead
     * of per request and key.
     *
     * <p>ARGV[1] settlement operations S, ARGV[2] requests R, ARGV[2 + r] the number of operations of
     * request r; then five arguments per key, in KEYS' order (settlements first, then each request's):
     * kind, x, a, b, c. Settlement: W charge a window x units (it may go below zero; a, b, c capacity,
     * refill, period), A add x units to a counter (b its time to live when it has none), Z release the
     * slot lease x. Admission, in order, each request all or nothing as if run alone: T take a window's
     * unit, P peek at a window (a, b, c as W), C count below a (b time to live), B read a counter below
     * a, S take one of a slots (x the lease id, b its time to live; expired leases go first). Returns per
     * admission operation {allowed 1|0, value, ms to wait}.
     *
     * <p>Windows are hashes {@code {t = units (fractions kept), at = ms of the last refill}}, refilled
     * continuously as {@link TokenBucket} does, a bucket expiring once it would be full again plus 10 s;
     * counters are integers (INCRBY, so their time to live stays); slots are leases in a sorted set.
     */
    static final RedisScript BATCH = new RedisScript(RedisScript.NOW + """
            local nsettle, nreq = tonumber(ARGV[1]), tonumber(ARGV[2])
            local base = 2 + nreq
            local win, cnt, sets = {}, {}, {}
            local function window(i)
              local key = KEYS[i]
              local w = win[key]
              if w == nil then
                local o = base + 5 * (i - 1)
                local cap, refill, period = tonumber(ARGV[o + 3]), tonumber(ARGV[o + 4]), tonumber(ARGV[o + 5])
                local h = redis.call('HMGET', key, 't', 'at')
                local v, at = tonumber(h[1]), tonumber(h[2])
                if v == nil or at == nil then
                  v, at = cap, now
                elseif now > at then
                  v, at = math.min(cap, v + (now - at) * refill / period), now
                end
                w = {v = v, at = at, cap = cap, refill = refill, period = period, dirty = false}
                win[key] = w
              end
              return w
            end
            local function counter(i)
              local key = KEYS[i]
              local c = cnt[key]
              if c == nil then
                local raw = redis.call('GET', key)
                c = {v = tonumber(raw or '0'), add = 0, fresh = not raw, ttl = 0}
                cnt[key] = c
              end
              return c
            end
            local function slots(i)
              local key = KEYS[i]
              local s = sets[key]
              if s == nil then
                redis.call('ZREMRANGEBYSCORE', key, '-inf', now)
                s = {n = redis.call('ZCARD', key), add = {}, ttl = 0}
                sets[key] = s
              end
              return s
            end
            local released = {}
            for i = 1, nsettle do
              local o = base + 5 * (i - 1)
              local kind = ARGV[o + 1]
              if kind == 'W' then
                local w = window(i)
                w.v, w.dirty = w.v - tonumber(ARGV[o + 2]), true
              elseif kind == 'A' then
                local c, units = counter(i), tonumber(ARGV[o + 2])
                c.v, c.add, c.ttl = c.v + units, c.add + units, ARGV[o + 4]
              elseif kind == 'Z' then
                local ids = released[KEYS[i]]
                if ids == nil then ids = {}; released[KEYS[i]] = ids end
                ids[#ids + 1] = ARGV[o + 2]
              else
                return redis.error_reply('unknown operation ' .. tostring(kind))
              end
            end
            for key, ids in pairs(released) do redis.call('ZREM', key, unpack(ids)) end
            local out, k, first = {}, 0, nsettle + 1
            for r = 1, nreq do
              local last = first + tonumber(ARGV[2 + r]) - 1
              local ok = true
              for j = first, last do
                local o = base + 5 * (j - 1)
                local kind, a = ARGV[o + 1], tonumber(ARGV[o + 3])
                local allowed, value, wait = 1, 0, 0
                if kind == 'T' or kind == 'P' then
                  local w = window(j)
                  local v = w.v
                  if v >= 1 then
                    if kind == 'T' then v = v - 1 end
                    value = math.floor(v)
                  else
                    allowed, wait = 0, math.max(1, math.ceil((1 - v) * w.period / w.refill))
                    if kind == 'P' then value = math.floor(v) end
                  end
                elseif kind == 'C' or kind == 'B' then
                  local c = counter(j)
                  value = c.v
                  if c.v >= a then allowed = 0 elseif kind == 'C' then value = c.v + 1 end
                elseif kind == 'S' then
                  if slots(j).n >= a then allowed = 0 end
                else
                  return redis.error_reply('unknown operation ' .. tostring(kind))
                end
                if allowed == 0 then ok = false end
                out[k + 1], out[k + 2], out[k + 3] = allowed, value, wait
                k = k + 3
              end
              if ok then
                for j = first, last do
                  local o = base + 5 * (j - 1)
                  local kind = ARGV[o + 1]
                  if kind == 'T' then
                    local w = win[KEYS[j]]
                    w.v, w.dirty = w.v - 1, true
                  elseif kind == 'C' then
                    local c = cnt[KEYS[j]]
                    c.v, c.add, c.ttl = c.v + 1, c.add + 1, ARGV[o + 4]
                  elseif kind == 'S' then
                    local s = sets[KEYS[j]]
                    s.n, s.ttl = s.n + 1, ARGV[o + 4]
                    s.add[#s.add + 1] = now + tonumber(ARGV[o + 4])
                    s.add[#s.add + 1] = ARGV[o + 2]
                  end
                end
              end
              first = last + 1
            end
            for key, w in pairs(win) do
              if w.dirty then
                redis.call('HSET', key, 't', string.format('%.17g', w.v), 'at', w.at)
                redis.call('PEXPIRE', key, math.max(1, math.ceil((w.cap - w.v) * w.period / w.refill)) + 10000)
              end
            end
            for key, c in pairs(cnt) do
              if c.add ~= 0 then
                redis.call('INCRBY', key, c.add)
                if c.fresh then redis.call('PEXPIRE', key, c.ttl) end
              end
            end
            for key, s in pairs(sets) do
              if #s.add > 0 then
                redis.call('ZADD', key, unpack(s.add))
                redis.call('PEXPIRE', key, s.ttl)
              end
            end
            return out
            """, ScriptOutputType.MULTI);

    /** Extends this replica's leases (ARGV[2..]) by ARGV[1] ms; a lease that already expired stays gone. */
    static final RedisScript RENEW = new RedisScript(RedisScript.NOW + """
            local ttl = tonumber(ARGV[1])
            for i = 2, #ARGV do redis.call('ZADD', KEYS[1], 'XX', now + ttl, ARGV[i]) end
            redis.call('PEXPIRE', KEYS[1], ttl)
            return 1
            """, ScriptOutputType.INTEGER);

    /** Leases not yet expired. */
    static final RedisScript IN_USE = new RedisScript(RedisScript.NOW + """
            return redis.call('ZCOUNT', KEYS[1], '(' .. now, '+inf')
            """, ScriptOutputType.INTEGER);
}
