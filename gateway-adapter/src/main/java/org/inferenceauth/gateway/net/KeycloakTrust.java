package org.inferenceauth.gateway.net;

import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.net.PemTrustOptions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The certificate authorities the gateway trusts for Keycloak: the JVM's defaults, or only the
 * PEM bundle of {@code GATEWAY_KEYCLOAK_CA_FILE} (as {@code curl --cacert}). The gateway reaches
 * Keycloak with three HTTP stacks (Vert.x, Nimbus's JWKS retriever, the JDK client that ships usage);
 * all three get the same trust from here.
 */
public final class KeycloakTrust {

    private final Optional<Path> caFile;
    private final SSLContext context;

    public KeycloakTrust(Optional<Path> caFile) {
        this.caFile = caFile;
        this.context = caFile.map(KeycloakTrust::load).orElse(null);
    }

    /** Vert.x client options trusting the bundle (unchanged when none is configured). */
    public HttpClientOptions apply(HttpClientOptions options) {
        return caFile.map(file -> options.setTrustOptions(new PemTrustOptions().addCertPath(file.toString())))
                .orElse(options);
    }

    /** For the JDK's clients; empty means the JVM's default trust. */
    public Optional<SSLContext> sslContext() {
        return Optional.ofNullable(context);
    }

    private static SSLContext load(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            Collection<? extends Certificate> certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certificates.isEmpty()) {
                throw new IllegalArgumentException("GATEWAY_KEYCLOAK_CA_FILE " + file + " holds no PEM certificate");
            }
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int i = 0;
            for (Certificate certificate : certificates) {
                store.setCertificateEntry("ca-" + i++, certificate);
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("GATEWAY_KEYCLOAK_CA_FILE " + file + " is not a PEM certificate bundle: "
                    + e.getMessage(), e);
        }
    }
}
