package org.inferenceauth.gateway.usage;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The in-memory aggregate of usage not yet put in a batch. Recording is one map update under the
 * key's own lock (the hot path); {@link #drain()} takes entries out one key at a time, so a request
 * recorded meanwhile lands either in this drain or in the next, never in both and never nowhere.
 */
public final class UsageLedger {

    private final ConcurrentHashMap<UsageKey, UsageTally> tallies = new ConcurrentHashMap<>();

    public void add(UsageKey key, boolean refused, long promptTokens, long completionTokens, long epochSecond) {
        tallies.compute(key, (k, tally) -> (tally == null ? new UsageTally() : tally)
                .add(refused, promptTokens, completionTokens, epochSecond));
    }

    /** Keys held now. */
    public int size() {
        return tallies.size();
    }

    public List<UsageEntry> drain() {
        List<UsageEntry> entries = new ArrayList<>(tallies.size());
        for (UsageKey key : tallies.keySet()) {
            UsageTally tally = tallies.remove(key);
            if (tally != null) {
                entries.add(tally.toEntry(key));
            }
        }
        return entries;
    }
}
