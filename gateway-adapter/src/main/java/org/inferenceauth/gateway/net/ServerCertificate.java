package org.inferenceauth.gateway.net;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.ServerSSLOptions;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Arrays;
import javax.net.ssl.KeyManager;
import javax.net.ssl.X509KeyManager;

/**
 * The API port's certificate and key ({@code GATEWAY_TLS_CERT_FILE}, {@code GATEWAY_TLS_KEY_FILE}),
 * read again every {@code GATEWAY_TLS_RELOAD_INTERVAL}: a certificate renewed in place (cert-manager,
 * certbot, a mounted Kubernetes secret) is served to new connections without a restart, and the
 * connections already open keep theirs. The files are compared by digest, not by time (a mounted
 * secret changes by a symlink swap). A pair that does not load, or whose key is not the
 * certificate's (read while a renewal was half written), is reported once and skipped: the pair in
 * service stays until a good one replaces it.
 */
public final class ServerCertificate {

    private static final System.Logger LOG = System.getLogger(ServerCertificate.class.getName());
    private static final byte[] PROBE = "inference-gateway certificate check".getBytes(StandardCharsets.US_ASCII);

    private final Vertx vertx;
    private final Path certFile;
    private final Path keyFile;
    private volatile Pair served;
    /** The digest of the last pair refused, so a broken renewal is reported once, not every interval. */
    private byte[] refused;
    private long timer = -1;

    /**
     * The files as they are now. At start a pair that does not load, or a key that is not the
     * certificate's, stops the gateway with the reason; an expired certificate does not (it is served,
     * as before a renewal, rather than nothing).
     */
    public ServerCertificate(Vertx vertx, Path certFile, Path keyFile) {
        this.vertx = vertx;
        this.certFile = certFile;
        this.keyFile = keyFile;
        this.served = read();
        try {
            served.provePair(vertx, served.leaf());
        } catch (Exception e) {
            throw new IllegalStateException("GATEWAY_TLS_CERT_FILE and GATEWAY_TLS_KEY_FILE do not make a usable pair: "
                    + reason(e), e);
        }
    }

    /** The pair in service, for a server being created. */
    public PemKeyCertOptions options() {
        return served.options();
    }

    /** Checks the files every {@code interval}; a changed pair that loads goes to {@code server} (and the servers sharing its port). */
    public void watch(HttpServer server, Duration interval) {
        timer = vertx.setPeriodic(interval.toMillis(), id -> vertx.executeBlocking(this::read, false)
                .compose(pair -> Arrays.equals(pair.digest(), served.digest()) ? Future.succeededFuture() : replace(server, pair))
                .onFailure(this::refuse));
    }

    public void stop() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    private Future<Void> replace(HttpServer server, Pair pair) {
        X509Certificate leaf;
        try {
            leaf = pair.leaf();
            leaf.checkValidity(); // an expired or not yet valid renewal never replaces a good certificate
            pair.provePair(vertx, leaf);
        } catch (Exception e) {
            return Future.failedFuture(new Refused(pair, e));
        }
        return server.updateSSLOptions(new ServerSSLOptions().setKeyCertOptions(pair.options()), true)
                .recover(e -> Future.failedFuture(new Refused(pair, e)))
                .map(updated -> {
                    served = pair;
                    refused = null;
                    LOG.log(System.Logger.Level.INFO, "TLS certificate reloaded from " + certFile + ": "
                            + leaf.getSubjectX500Principal().getName() + ", valid until " + leaf.getNotAfter().toInstant());
                    return null;
                });
    }

    private void refuse(Throwable failure) {
        if (failure instanceof Refused refusal) {
            if (!Arrays.equals(refusal.pair.digest(), refused)) {
                refused = refusal.pair.digest();
                LOG.log(System.Logger.Level.WARNING, "TLS certificate files changed but do not make a usable pair ("
                        + reason(refusal.getCause()) + "); still serving the previous certificate");
            }
        } else { // unreadable files (being replaced, permissions): the next interval tries again
            LOG.log(System.Logger.Level.WARNING, "Could not read the TLS certificate files: " + reason(failure));
        }
    }

    /** The failure's own words, bounded; parsers name what is wrong, never the key's content. */
    private static String reason(Throwable failure) {
        String message = failure.getClass().getSimpleName() + (failure.getMessage() == null ? "" : ": " + failure.getMessage());
        return message.length() > 200 ? message.substring(0, 200) + "…" : message;
    }

    private Pair read() {
        try {
            byte[] cert = Files.readAllBytes(certFile);
            byte[] key = Files.readAllBytes(keyFile);
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            sha256.update(cert);
            sha256.update((byte) 0);
            sha256.update(key);
            return new Pair(new PemKeyCertOptions().setCertValue(Buffer.buffer(cert)).setKeyValue(Buffer.buffer(key)),
                    sha256.digest());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A certificate chain and its key as read, and their digest. */
    private record Pair(PemKeyCertOptions options, byte[] digest) {

        X509Certificate leaf() throws Exception {
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(options.getCertValues().get(0).getBytes()));
        }

        /** Proves the key is the certificate's: a signature of it that the certificate verifies. */
        void provePair(Vertx vertx, X509Certificate leaf) throws Exception {
            for (KeyManager manager : options.getKeyManagerFactory(vertx).getKeyManagers()) {
                String alias = manager instanceof X509KeyManager keys
                        ? keys.chooseServerAlias(leaf.getPublicKey().getAlgorithm(), null, null) : null;
                PrivateKey key = alias == null ? null : ((X509KeyManager) manager).getPrivateKey(alias);
                if (key != null) {
                    String algorithm = switch (key.getAlgorithm()) {
                        case "EC" -> "SHA256withECDSA";
                        case "RSA" -> "SHA256withRSA";
                        default -> key.getAlgorithm(); // Ed25519, Ed448
                    };
                    Signature signing = Signature.getInstance(algorithm);
                    signing.initSign(key);
                    signing.update(PROBE);
                    Signature verifying = Signature.getInstance(algorithm);
                    verifying.initVerify(leaf.getPublicKey());
                    verifying.update(PROBE);
                    if (verifying.verify(signing.sign())) {
                        return;
                    }
                }
            }
            throw new IllegalArgumentException("the key is not the certificate's");
        }
    }

    private static final class Refused extends Exception {
        final Pair pair;

        Refused(Pair pair, Throwable cause) {
            super(cause);
            this.pair = pair;
        }
    }
}
