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
     * One run for a batch of settlements and admissions (every call this replica had waiting while
     * the previous run was out): each key is read at most once and written at most once per run,
     * whatever number of calls touch it, and each operation is sent once per run, so a run costs a few
     * {@code redis.call}s and arguments per key instead of per call and key.
     *
     * <p>ARGV[1] operations D, ARGV[2] settlement entries, ARGV[3] groups of calls; then per operation d
     * (its key KEYS[d]) four arguments: kind, a, b, c. Then, read in order, the settlement entries,
     * each an operation's number and x: W charge a window x units (it may go below zero; a, b, c
     * capacity, refill, period), A add x units to a counter (b its time to live when it has none), Z
     * release x slot leases (their ids follow). Then the groups: n operations, m calls, the n operation
     * numbers, then per call one lease id per S operation. Each call, in order, is decided all or
     * nothing as if run alone (a group whose calls all fit is answered as a whole): T take a window's unit, P peek at a window (a, b, c as W), C count below
     * a (b time to live), B read a counter below a, S take one of a slots (b the lease's time to live;
     * expired leases go first). Returns per group either -1 and per operation the value before the group
     * (all its calls allowed: the window's whole units, the counter's count), or per call and operation
     * {allowed 1|0, value, ms to wait}.
     *
     * <p>Windows are hashes {@code {t = units (fractions kept), at = ms of the last refill}}, refilled
     * continuously as {@link TokenBucket} does, a bucket expiring once it would be full again plus 10 s;
     * counters are integers (INCRBY, so their time to live stays); slots are leases in a sorted set.
     */
    static final RedisScript BATCH = new RedisScript(RedisScript.NOW + RedisScript.WINDOWS + """
            local nd, nsettle, ngroups = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
            local pos = 3
            local function nxt()
              pos = pos + 1
              return ARGV[pos]
            end
            local kind, a, b, c = {}, {}, {}, {}
            for d = 1, nd do
              kind[d], a[d], b[d], c[d] = nxt(), tonumber(nxt()), tonumber(nxt()), tonumber(nxt())
            end
            local win, cnt, sets = {}, {}, {}
            local function window(d)
              local key = KEYS[d]
              local w = win[key]
              if w == nil then
                local cap, refill, period = a[d], b[d], c[d]
                local v, at = readWindow(key, cap, refill, period)
                if v == nil then v = cap end
                w = {v = v, at = at, cap = cap, refill = refill, period = period, dirty = false}
                win[key] = w
              end
              return w
            end
            local function counter(d)
              local key = KEYS[d]
              local e = cnt[key]
              if e == nil then
                local raw = redis.call('GET', key)
                e = {v = tonumber(raw or '0'), add = 0, fresh = not raw, ttl = 0}
                cnt[key] = e
              end
              return e
            end
            local function slots(d)
              local key = KEYS[d]
              local s = sets[key]
              if s == nil then
                redis.call('ZREMRANGEBYSCORE', key, '-inf', now)
                s = {n = redis.call('ZCARD', key), add = {}, ttl = 0}
                sets[key] = s
              end
              return s
            end
            for i = 1, nsettle do
              local d, x = tonumber(nxt()), tonumber(nxt())
              local k = kind[d]
              if k == 'W' then
                local w = window(d)
                w.v, w.dirty = w.v - x, true
              elseif k == 'A' then
                local e = counter(d)
                e.v, e.add, e.ttl = e.v + x, e.add + x, b[d]
              elseif k == 'Z' then
                local ids = {}
                for j = 1, x do ids[j] = nxt() end
                redis.call('ZREM', KEYS[d], unpack(ids))
              else
                return redis.error_reply('unknown operation ' .. tostring(k))
              end
            end
            local out, o = {}, 0
            for g = 1, ngroups do
              local n, m = tonumber(nxt()), tonumber(nxt())
              local ops = {}
              for j = 1, n do ops[j] = tonumber(nxt()) end
              -- Whole: every call of the group allowed; then one value per operation, not three per call.
              local whole = m > 1
              local slotOps = 0
              for j = 1, n do
                local d = ops[j]
                local k = kind[d]
                if k == 'S' then slotOps = slotOps + 1 end
                if whole then
                  if k == 'T' then whole = window(d).v >= m
                  elseif k == 'P' then whole = window(d).v >= 1
                  elseif k == 'C' then whole = counter(d).v + m <= a[d]
                  elseif k == 'B' then whole = counter(d).v < a[d]
                  elseif k == 'S' then whole = slots(d).n + m <= a[d]
                  else return redis.error_reply('unknown operation ' .. tostring(k)) end
                end
              end
              if whole then
                out[o + 1] = -1
                o = o + 1
                local ids, seen = pos, 0
                for j = 1, n do
                  local d = ops[j]
                  local k = kind[d]
                  local value = 0
                  if k == 'T' then
                    local w = window(d)
                    value = math.floor(w.v)
                    w.v, w.dirty = w.v - m, true
                  elseif k == 'P' then
                    value = math.floor(window(d).v)
                  elseif k == 'C' then
                    local e = counter(d)
                    value = e.v
                    e.v, e.add, e.ttl = e.v + m, e.add + m, b[d]
                  elseif k == 'B' then
                    value = counter(d).v
                  else
                    local s = slots(d)
                    s.n, s.ttl = s.n + m, b[d]
                    seen = seen + 1
                    for r = 1, m do
                      s.add[#s.add + 1] = now + b[d]
                      s.add[#s.add + 1] = ARGV[ids + (r - 1) * slotOps + seen]
                    end
                  end
                  out[o + 1] = value
                  o = o + 1
                end
                pos = ids + m * slotOps
                m = 0
              end
              for r = 1, m do
                local ok = true
                for j = 1, n do
                  local d = ops[j]
                  local k = kind[d]
                  local allowed, value, wait = 1, 0, 0
                  if k == 'T' or k == 'P' then
                    local w = window(d)
                    local v = w.v
                    if v >= 1 then
                      if k == 'T' then v = v - 1 end
                      value = math.floor(v)
                    else
                      allowed, wait = 0, math.max(1, math.ceil((1 - v) * w.period / w.refill))
                      if k == 'P' then value = math.floor(v) end
                    end
                  elseif k == 'C' or k == 'B' then
                    local e = counter(d)
                    value = e.v
                    if e.v >= a[d] then allowed = 0 elseif k == 'C' then value = e.v + 1 end
                  elseif k == 'S' then
                    if slots(d).n >= a[d] then allowed = 0 end
                  else
                    return redis.error_reply('unknown operation ' .. tostring(k))
                  end
                  if allowed == 0 then ok = false end
                  out[o + 1], out[o + 2], out[o + 3] = allowed, value, wait
                  o = o + 3
                end
                for j = 1, n do
                  local d = ops[j]
                  local k = kind[d]
                  if k == 'S' then
                    local id = nxt()
                    if ok then
                      local s = sets[KEYS[d]]
                      s.n, s.ttl = s.n + 1, b[d]
                      s.add[#s.add + 1] = now + b[d]
                      s.add[#s.add + 1] = id
                    end
                  elseif ok and k == 'T' then
                    local w = win[KEYS[d]]
                    w.v, w.dirty = w.v - 1, true
                  elseif ok and k == 'C' then
                    local e = cnt[KEYS[d]]
                    e.v, e.add, e.ttl = e.v + 1, e.add + 1, b[d]
                  end
                end
              end
            end
            for key, w in pairs(win) do
              if w.dirty then
                writeWindow(key, w.v, w.at, w.cap, w.refill, w.period)
              end
            end
            for key, e in pairs(cnt) do
              if e.add ~= 0 then
                redis.call('INCRBY', key, e.add)
                if e.fresh then redis.call('PEXPIRE', key, e.ttl) end
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

    /**
     * Takes units ahead for one replica ({@link PrefetchingLimitStore}): of a window (ARGV[1] T; a, b,
     * c as W) or a calendar counter (C; a its limit, b its time to live when it has none), at most
     * ARGV[5] units and at most 1/ARGV[6] of what is left, none when less than ARGV[7] is, so near the
     * limit nothing is taken ahead and every call is decided here. Returns {units taken, the window's whole units or the counter's value after}.
     */
    static final RedisScript PREFETCH = new RedisScript(RedisScript.NOW + RedisScript.WINDOWS + """
            local key, k, a, b, c = KEYS[1], ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
            local want, share, least = tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7])
            if k == 'T' then
              local v, at = readWindow(key, a, b, c)
              if v == nil then v = a end
              local grant = 0
              if v >= least then grant = math.min(want, math.floor(math.floor(v) / share)) end
              if grant > 0 then
                v = v - grant
                writeWindow(key, v, at, a, b, c)
              end
              return {grant, math.floor(v)}
            elseif k == 'C' then
              local raw = redis.call('GET', key)
              local v = tonumber(raw or '0')
              local grant = 0
              if a - v >= least then grant = math.min(want, math.floor((a - v) / share)) end
              if grant > 0 then
                v = redis.call('INCRBY', key, grant)
                if not raw then redis.call('PEXPIRE', key, b) end
              end
              return {grant, v}
            end
            return redis.error_reply('cannot take ahead for operation ' .. tostring(k))
            """, ScriptOutputType.MULTI);

    /**
     * Gives back ARGV[5] units taken ahead and not used: to a window (T; a, b, c as W), never beyond
     * its capacity, or off a calendar counter (C), never below zero. A key gone meanwhile (expired:
     * the window is full again, the counter's period is over) stays gone.
     */
    static final RedisScript GIVE_BACK = new RedisScript(RedisScript.NOW + RedisScript.WINDOWS + """
            local key, k, a, b, c = KEYS[1], ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
            local x = tonumber(ARGV[5])
            if k == 'T' then
              local v, at = readWindow(key, a, b, c)
              if v == nil then return 0 end
              writeWindow(key, math.min(a, v + x), at, a, b, c)
            elseif k == 'C' then
              if redis.call('EXISTS', key) == 0 then return 0 end
              local v = redis.call('DECRBY', key, x)
              if v < 0 then redis.call('INCRBY', key, -v) end
            end
            return 1
            """, ScriptOutputType.INTEGER);

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
