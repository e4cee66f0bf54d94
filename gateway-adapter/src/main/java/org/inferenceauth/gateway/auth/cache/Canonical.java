package org.inferenceauth.gateway.auth.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.inferenceauth.gateway.auth.Identity;
import org.inferenceauth.gateway.limit.policy.DeliveredLimits;
import org.inferenceauth.gateway.limit.policy.LimitSet;

/**
 * One shared instance per distinct value among the cached identities' repeated parts: the subject,
 * username, project and client id a person's keys all carry, their scope sets and their limits.
 * Every introspection answer is parsed into new objects, so without this 100,000 keys of 1,000
 * people hold 100,000 copies of each. Bounded: when more distinct values come than it holds, the
 * least used are forgotten (later identities then get copies of their own, which is only memory).
 */
final class Canonical {

    private final Cache<Object, Object> values;

    Canonical(long maxValues) {
        this.values = Caffeine.newBuilder().maximumSize(maxValues).build();
    }

    /** The identity with its repeated parts shared; the key id and the times are its own. */
    Identity identity(Identity identity) {
        return new Identity(identity.kind(), of(identity.subject()), of(identity.username()), of(identity.project()),
                identity.keyId(), of(identity.clientId()), of(identity.scopes()), identity.issuedAt(),
                identity.expiresAt(), identity.channel(), limits(identity.limits()));
    }

    private DeliveredLimits limits(DeliveredLimits limits) {
        if (limits == null) {
            return null;
        }
        return of(new DeliveredLimits(set(limits.user()), set(limits.project()), set(limits.key()),
                set(limits.defaultUser()), of(limits.projectName())));
    }

    private LimitSet set(LimitSet set) {
        return set.isEmpty() && set.minuteBurst() == 0 ? LimitSet.NONE : of(set);
    }

    /** The shared instance equal to {@code value} (records and immutable collections compare by value). */
    @SuppressWarnings("unchecked")
    <T> T of(T value) {
        return value == null ? null : (T) values.get(value, v -> v);
    }
}
