package org.inferenceauth.gateway.usage;

import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import org.inferenceauth.gateway.config.GatewayConfig;
import org.inferenceauth.gateway.metrics.GatewayMetrics;

/**
 * Usage accounting (docs/usage-contract.md) as the gateway wires it: the {@link UsageRecorder} on
 * the hot path, the {@link UsageLedger} it fills, the {@link UsageShipper} that takes batches to
 * Keycloak (or to the spill directory), and the web UI's attribution rule.
 */
public final class UsageAccounting {

    private final UsageShipper shipper;
    private final UsageRecorder recorder;
    private final WebUiAttribution webUi;

    /** @param servedModel whether an upstream lists this model (others are counted as {@code (other)}) */
    public UsageAccounting(GatewayConfig config, GatewayMetrics metrics, Predicate<String> servedModel) {
        GatewayConfig.Usage settings = config.usage();
        UsageLedger ledger = new UsageLedger();
        this.shipper = new UsageShipper(ledger, new UsageDelivery(config.keycloak()), new UsageSpool(settings.spillDir()),
                metrics, settings.source(), settings.flush(), settings.maxPending());
        this.recorder = new UsageRecorder(ledger, servedModel, metrics, shipper);
        this.webUi = new WebUiAttribution(settings.webUiCallers());
    }

    public void start() {
        shipper.start();
    }

    public UsageRecorder recorder() {
        return recorder;
    }

    public WebUiAttribution webUi() {
        return webUi;
    }

    /** Delivers what is held (one try) and spills the rest; completes when nothing is left in memory. */
    public CompletableFuture<Void> shutdown() {
        return shipper.shutdown();
    }
}
