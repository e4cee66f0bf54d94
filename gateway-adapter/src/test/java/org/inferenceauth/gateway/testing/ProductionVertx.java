package org.inferenceauth.gateway.testing;

import io.vertx.core.Vertx;
import java.util.Optional;
import org.inferenceauth.gateway.GatewayTransport;

/** A Vert.x on the transport the runnable jar picks (GATEWAY_TRANSPORT unset), for tests of socket-level behaviour. */
public final class ProductionVertx {

    private ProductionVertx() {}

    public static Vertx create() {
        return Vertx.builder().withTransport(GatewayTransport.choose(Optional.empty())).build();
    }
}
