package org.inferenceauth.it.hostile;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Access tokens an attacker can make: unsigned ({@code alg:none}), HS256 keyed with the realm's
 * public key (algorithm confusion), RS256 with a key of their own under the realm's {@code kid},
 * with a wrong issuer or audience, expired or not yet valid, naming an API key; a real token with a
 * tampered payload, truncated or with its signature moved; and a real token of another realm.
 */
final class ForgedJwts {

    private final HostileInputs inputs;
    private final RSAKey realmKey;
    private final RSAKey attackerKey;
    private final JWTClaimsSet realClaims;
    private final String realToken;
    private final String otherRealmToken;

    /**
     * @param realmKey        the realm's public signing key, from its JWKS
     * @param realToken       a genuine access token of the realm (its claims are the template)
     * @param otherRealmToken a genuine access token of another realm (right signature, wrong issuer)
     */
    ForgedJwts(HostileInputs inputs, RSAKey realmKey, String realToken, String otherRealmToken) throws Exception {
        this.inputs = inputs;
        this.realmKey = realmKey;
        this.attackerKey = new RSAKeyGenerator(2048).keyID(realmKey.getKeyID()).generate();
        this.realToken = realToken;
        this.realClaims = SignedJWT.parse(realToken).getJWTClaimsSet();
        this.otherRealmToken = otherRealmToken;
    }

    String next() throws Exception {
        return switch (inputs.random().nextInt(10)) {
            case 0 -> unsigned();
            case 1 -> hmacWithPublicKey();
            case 2 -> attackerSigned(c -> c);
            case 3 -> attackerSigned(c -> c.issuer(inputs.pick(List.of("http://evil.example/realms/inference",
                    realClaims.getIssuer() + "/", realClaims.getIssuer().replace("inference", "master")))));
            case 4 -> attackerSigned(c -> c.audience(inputs.pick(List.of("account", "someone-else", "realm-management"))));
            case 5 -> attackerSigned(c -> c.expirationTime(Date.from(Instant.now().minusSeconds(1 + inputs.random().nextInt(86_400)))));
            case 6 -> attackerSigned(c -> c.notBeforeTime(Date.from(Instant.now().plusSeconds(60 + inputs.random().nextInt(86_400)))));
            case 7 -> attackerSigned(c -> c.claim("api_key_id", inputs.text("ABCabc012", 12, 12)).claim("azp", "example-service"));
            case 8 -> tampered();
            default -> inputs.pick(List.of(otherRealmToken, truncated(), signatureMoved(), realToken + "." + realToken.split("\\.")[2]));
        };
    }

    private String unsigned() {
        String alg = inputs.pick(List.of("none", "None", "NONE", "nOnE"));
        String header = b64("{\"alg\":\"" + alg + "\",\"typ\":\"JWT\",\"kid\":\"" + realmKey.getKeyID() + "\"}");
        return header + "." + b64(realClaims.toString()) + "." + inputs.pick(List.of("", "e30", realToken.split("\\.")[2]));
    }

    private String hmacWithPublicKey() throws Exception {
        byte[] secret = switch (inputs.random().nextInt(3)) {
            case 0 -> realmKey.toRSAPublicKey().getEncoded(); // DER, as a PEM file holds it
            case 1 -> ("-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder().encodeToString(
                    realmKey.toRSAPublicKey().getEncoded()) + "\n-----END PUBLIC KEY-----\n").getBytes(StandardCharsets.US_ASCII);
            default -> realmKey.toPublicJWK().toJSONString().getBytes(StandardCharsets.UTF_8);
        };
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).type(JOSEObjectType.JWT)
                .keyID(realmKey.getKeyID()).build(), realClaims);
        jwt.sign(new MACSigner(secret));
        return jwt.serialize();
    }

    private String attackerSigned(UnaryOperator<JWTClaimsSet.Builder> change) throws Exception {
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder(realClaims)
                .issueTime(Date.from(Instant.now())).expirationTime(Date.from(Instant.now().plusSeconds(300)));
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).type(JOSEObjectType.JWT)
                .keyID(realmKey.getKeyID()).build(), change.apply(claims).build());
        jwt.sign(new RSASSASigner(attackerKey));
        return jwt.serialize();
    }

    /** The real header and signature around a payload changed in one claim. */
    private String tampered() {
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder(realClaims);
        switch (inputs.random().nextInt(3)) {
            case 0 -> claims.subject(inputs.text("0123456789abcdef-", 36, 36));
            case 1 -> claims.expirationTime(Date.from(Instant.now().plusSeconds(86_400 * 365)));
            default -> claims.claim("realm_access", java.util.Map.of("roles", List.of("admin", "inference-user")));
        }
        String[] parts = realToken.split("\\.");
        return parts[0] + "." + b64(claims.build().toString()) + "." + parts[2];
    }

    private String truncated() {
        return realToken.substring(0, realToken.length() - 1 - inputs.random().nextInt(40));
    }

    private String signatureMoved() {
        String[] parts = realToken.split("\\.");
        return parts[2] + "." + parts[1] + "." + parts[0];
    }

    private static String b64(String json) {
        return Base64URL.encode(json.getBytes(StandardCharsets.UTF_8)).toString();
    }
}
