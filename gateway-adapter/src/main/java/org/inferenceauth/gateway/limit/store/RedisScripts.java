package org.inferenceauth.gateway.limit.store;

import io.lettuce.core.ScriptOutputType;

/**
 * The Lua scripts of {@link RedisLimitStore}. A request's admission is one script run and its
 * settlement another: Redis runs each atomically, so no compare-and-swap retries between replicas.
 * Time is Redis's own clock (milliseconds), the same for every replica.
 *
 * <p>Rolling windows are hashes {@code {t = units (fractions kept), at = ms of the last refill}}: the
 * same continuous refill as {@link TokenBucket} (and as Bucket4j's greedy refill before it), a bucket
 * expiring once it would be full again plus 10 s. Operations come as one key each and four arguments
 * each ({@link Op#scriptArgs()}: kind, then its numbers).
 */
final class RedisScripts {

    private RedisScripts() {}

    /** The window's units now: stored level plus what refilled since, at most the capacity. */
    private static final String LEVEL = """
            local function level(key, cap, refill, period, now)
              local h = redis.call('HMGET', key, 't', 'at')
              local v, at = tonumber(h[1]), tonumber(h[2])
              if v == nil or at == nil then return cap, now end
              if now > at then return math.min(cap, v + (now - at) * refill / period), now end
              return v, at
            end
            local function store(key, v, at, cap, refill, period)
              redis.call('HSET', key, 't', string.format('%.17g', v), 'at', at)
              redis.call('PEXPIRE', key, math.max(1, math.ceil((cap - v) * period / refill)) + 10000)
            end
            """;

    /**
     * Admission: first every operation is looked at (T take a window's unit, P peek at a window,
     * C count below a limit, B read a counter below a limit, S take a slot: expired leases go first);
     * only if all allow is anything taken. Returns per operation {allowed 1|0, value, ms to wait}.
     */
    static final RedisScript ADMIT = new RedisScript(RedisScript.NOW + LEVEL + """
            local n = #KEYS
            local out, levels, ats = {}, {}, {}
            local ok = true
            for i = 1, n do
              local kind, key = ARGV[4 * i - 3], KEYS[i]
              local a, b = tonumber(ARGV[4 * i - 2]), tonumber(ARGV[4 * i - 1])
              local allowed, value, wait = 1, 0, 0
              if kind == 'T' or kind == 'P' then
                local period = tonumber(ARGV[4 * i])
                local v, at = level(key, a, b, period, now)
                levels[i], ats[i] = v, at
                if v >= 1 then
                  if kind == 'T' then v = v - 1 end
                  value = math.floor(v)
                else
                  allowed, wait = 0, math.max(1, math.ceil((1 - v) * period / b))
                  if kind == 'P' then value = math.floor(v) end
                end
              elseif kind == 'C' or kind == 'B' then
                local v = tonumber(redis.call('GET', key) or '0')
                value = v
                if v >= a then allowed = 0 elseif kind == 'C' then value = v + 1 end
              elseif kind == 'S' then
                redis.call('ZREMRANGEBYSCORE', key, '-inf', now)
                if redis.call('ZCARD', key) >= a then allowed = 0 end
              else
                return redis.error_reply('unknown operation ' .. tostring(kind))
              end
              if allowed == 0 then ok = false end
              out[3 * i - 2], out[3 * i - 1], out[3 * i] = allowed, value, wait
            end
            if ok then
              for i = 1, n do
                local kind, key = ARGV[4 * i - 3], KEYS[i]
                if kind == 'T' then
                  store(key, levels[i] - 1, ats[i], tonumber(ARGV[4 * i - 2]), tonumber(ARGV[4 * i - 1]), tonumber(ARGV[4 * i]))
                elseif kind == 'C' then
                  redis.call('INCR', key)
                  if redis.call('PTTL', key) < 0 then redis.call('PEXPIRE', key, ARGV[4 * i - 1]) end
                elseif kind == 'S' then
                  redis.call('ZADD', key, now + tonumber(ARGV[4 * i - 1]), ARGV[4 * i])
                  redis.call('PEXPIRE', key, ARGV[4 * i - 1])
                end
              end
            end
            return out
            """, ScriptOutputType.MULTI);

    /**
     * Settlement: ARGV[1] units, then per key four arguments: W charge a window the units (it may go
     * below zero), A add the units to a counter (its time to live set when it has none), Z release a
     * slot's lease.
     */
    static final RedisScript SETTLE = new RedisScript(RedisScript.NOW + LEVEL + """
            local units = tonumber(ARGV[1])
            for i = 1, #KEYS do
              local kind, key = ARGV[4 * i - 2], KEYS[i]
              if kind == 'W' then
                local cap, refill, period = tonumber(ARGV[4 * i - 1]), tonumber(ARGV[4 * i]), tonumber(ARGV[4 * i + 1])
                local v, at = level(key, cap, refill, period, now)
                store(key, v - units, at, cap, refill, period)
              elseif kind == 'A' then
                redis.call('INCRBY', key, units)
                if redis.call('PTTL', key) < 0 then redis.call('PEXPIRE', key, ARGV[4 * i]) end
              elseif kind == 'Z' then
                redis.call('ZREM', key, ARGV[4 * i - 1])
              else
                return redis.error_reply('unknown operation ' .. tostring(kind))
              end
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
