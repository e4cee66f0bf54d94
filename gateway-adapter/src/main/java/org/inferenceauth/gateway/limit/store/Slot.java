package org.inferenceauth.gateway.limit.store;

/** One held concurrency slot; released exactly once, however often {@link #release()} is called. */
public interface Slot {

    void release();
}
