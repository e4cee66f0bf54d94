package org.inferenceauth.gateway.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** Collects the gateway's log records of a level and above (System.Logger goes to java.util.logging) while open. */
public final class CapturedLogs extends Handler implements AutoCloseable {

    private final Level level;
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();

    private CapturedLogs(Level level) {
        this.level = level;
        Logger.getLogger("").addHandler(this);
    }

    /** Information and above (INFO, WARNING, SEVERE). */
    public static CapturedLogs info() {
        return new CapturedLogs(Level.INFO);
    }

    /** Errors only (SEVERE: what System.Logger's ERROR becomes). */
    public static CapturedLogs errors() {
        return new CapturedLogs(Level.SEVERE);
    }

    public List<LogRecord> records() {
        return List.copyOf(records);
    }

    /** The messages of the records from {@code logger} (a class name). */
    public List<String> messagesOf(Class<?> logger) {
        return records.stream().filter(r -> logger.getName().equals(r.getLoggerName())).map(LogRecord::getMessage).toList();
    }

    @Override
    public void publish(LogRecord record) {
        if (record.getLevel().intValue() >= level.intValue()) {
            records.add(record);
        }
    }

    @Override
    public void flush() {}

    @Override
    public void close() {
        Logger.getLogger("").removeHandler(this);
    }
}
