package org.inferenceauth.gateway.usage;

import java.util.function.Consumer;
import java.util.function.Predicate;
import org.inferenceauth.gateway.accesslog.RequestRecord;
import org.inferenceauth.gateway.auth.Identity;
import org.inferenceauth.gateway.metrics.GatewayMetrics;

/**
 * Turns each finished request of an authenticated caller into one ledger update and the usage
 * metrics: the hot path's whole share of usage accounting (no I/O, no lock beyond the key's own).
 * A request the gateway answered itself with an error after authentication is {@code refused};
 * every other one (forwarded, whatever the upstream answered; a model list) is a {@code request}.
 */
public final class UsageRecorder implements Consumer<RequestRecord> {

    static final String OTHER_MODEL = "(other)";
    static final String NONE = "(none)";
    private static final long MILLIS_PER_DAY = 86_400_000L;

    private final UsageLedger ledger;
    private final Predicate<String> servedModel;
    private final GatewayMetrics metrics;
    private final UsageShipper shipper;

    UsageRecorder(UsageLedger ledger, Predicate<String> servedModel, GatewayMetrics metrics, UsageShipper shipper) {
        this.ledger = ledger;
        this.servedModel = servedModel;
        this.metrics = metrics;
        this.shipper = shipper;
    }

    @Override
    public void accept(RequestRecord record) {
        Identity identity = record.identity;
        if (identity == null || identity.subject() == null) {
            return; // refused before authentication: nobody to count it for (Prometheus has it)
        }
        boolean refused = record.errorCode != null && record.upstream == null;
        String model = modelLabel(record.model);
        String email = record.webUiUserEmail;
        String channel = email != null ? Identity.Channel.UI.label() : identity.channel().label();
        long prompt = Math.max(0, record.promptTokens);
        long completion = Math.max(0, record.completionTokens);
        long now = System.currentTimeMillis();
        ledger.add(new UsageKey(Math.floorDiv(now, MILLIS_PER_DAY), channel, identity.subject(), email, identity.keyId(),
                identity.clientId(), identity.project(), model), refused, prompt, completion, now / 1000);
        metrics.usage(model, identity.project() == null ? NONE : identity.project(), channel,
                refused ? "refused" : "requests", prompt, completion);
        if (ledger.size() > shipper.maxPending()) {
            shipper.wake();
        }
    }

    /** Served models by name; anything a client made up is one bounded row. */
    private String modelLabel(String model) {
        if (model == null) {
            return NONE;
        }
        return servedModel.test(model) ? model : OTHER_MODEL;
    }
}
