// A checkpoint verifier for portals written in Java, using only the JDK 17 (no library).
//
// It is the reference for docs/checkpoint.md and runs in tests/test_feeds_checkpoint.py on
// every test vector, proving that the checkpoint verifies outside Python.
//
// Usage:
//   java VerifyCheckpoint.java CHECKPOINT.jws.json KEYS.json NOW
//        [--last VERSION SEQUENCE] [--file TARGET_PATH LOCAL_FILE]
//
//   NOW is an RFC 3339 UTC time (2025-07-01T08:00:00Z); a portal passes Instant.now().
//   --last gives the version and sequence the portal accepted last (check 3).
//   --file checks a downloaded index against the checkpoint's sha256 (check 4).
//
// Prints "OK version=V sequence=S" and exits 0, or "FAIL <code>: <message>" and exits 1;
// exit 2 for a usage error. The codes are those of generator/feeds/checkpoint.py.

import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

public final class VerifyCheckpoint {
    static final String HEADER_TYP = "tthc-checkpoint+jws";
    static final Duration SKEW = Duration.ofMinutes(5);
    static final String KEEP = "Keep your current data, do not apply anything from this download";
    // DER SubjectPublicKeyInfo of an Ed25519 key, up to the 32 raw key bytes (RFC 8410).
    static final byte[] ED25519_SPKI = HexFormat.of().parseHex("302a300506032b6570032100");

    /** A refusal with the stable code a portal logs and alerts on. */
    static final class Failure extends Exception {
        final String code;

        Failure(String code, String message) {
            super(message);
            this.code = code;
        }
    }

    /** A trusted key and the one algorithm it may be used with (never the header's choice). */
    record TrustedKey(String alg, PublicKey key) {}

    public static void main(String[] args) {
        try {
            if (args.length < 3) {
                throw new IllegalArgumentException("three arguments are required");
            }
            long[] last = null;
            String[] file = null;
            for (int i = 3; i < args.length; i += 3) {
                if (i + 2 >= args.length) {
                    throw new IllegalArgumentException(args[i] + " takes two values");
                } else if (args[i].equals("--last")) {
                    last = new long[] {Long.parseLong(args[i + 1]), Long.parseLong(args[i + 2])};
                } else if (args[i].equals("--file")) {
                    file = new String[] {args[i + 1], args[i + 2]};
                } else {
                    throw new IllegalArgumentException("unknown option " + args[i]);
                }
            }
            Map<String, TrustedKey> keys = loadKeys(Files.readString(Path.of(args[1])));
            Instant now = Instant.parse(args[2]);
            String checkpoint = Files.readString(Path.of(args[0]));
            Map<String, Object> payload = verify(checkpoint, keys, now, last);
            if (file != null) {
                checkFile(payload, file[0], Files.readAllBytes(Path.of(file[1])));
            }
            System.out.println("OK version=" + payload.get("version")
                    + " sequence=" + payload.get("sequence"));
            System.exit(0);
        } catch (Failure failure) {
            System.out.println("FAIL " + failure.code + ": " + failure.getMessage());
            System.exit(1);
        } catch (IllegalArgumentException | java.time.DateTimeException | IOException error) {
            System.err.println("usage: java VerifyCheckpoint.java CHECKPOINT KEYS NOW"
                    + " [--last VERSION SEQUENCE] [--file TARGET_PATH LOCAL_FILE]: " + error);
            System.exit(2);
        }
    }

    /** Checks 1 to 3 in order; returns the payload, whose version and sequence to store. */
    static Map<String, Object> verify(String text, Map<String, TrustedKey> keys, Instant now,
            long[] last) throws Failure {
        Map<String, Object> jws = object(Json.parse(text), "the checkpoint");
        String payload = string(jws.get("payload"), "payload");
        List<String> reasons = new ArrayList<>();
        boolean trusted = false;
        for (Object item : list(jws.get("signatures"), "signatures")) {
            Map<String, Object> entry = object(item, "a signature entry");
            String protectedB64 = string(entry.get("protected"), "protected");
            Map<String, Object> header = object(Json.parse(utf8(b64(protectedB64))), "a header");
            byte[] signature = b64(string(entry.get("signature"), "signature"));
            byte[] input = (protectedB64 + "." + payload).getBytes(StandardCharsets.US_ASCII);
            String reason = refusal(header, keys, input, signature);
            if (reason == null) {
                trusted = true;
                break;
            }
            reasons.add(reason);
        }
        if (!trusted) { // check 1
            throw new Failure("bad-signature", "no signature by a trusted key verifies ("
                    + String.join("; ", reasons) + "). " + KEEP + "; retry later.");
        }
        Map<String, Object> claims = object(Json.parse(utf8(b64(payload))), "the payload");
        if (!"tthc-checkpoint".equals(claims.get("typ")) || !"api/v1".equals(claims.get("feed"))) {
            throw new Failure("malformed", "not a tthc-checkpoint for api/v1. " + KEEP + ".");
        }
        Instant issued = time(claims.get("issued_at"), "issued_at");
        Instant expires = time(claims.get("expires_at"), "expires_at");
        if (!expires.isAfter(now)) { // check 2
            throw new Failure("expired", "the checkpoint expired at " + expires + " (now " + now
                    + "): a stale state is served. " + KEEP + "; retry later.");
        }
        if (issued.isAfter(now.plus(SKEW))) {
            throw new Failure("not-yet-valid", "issued at " + issued + ", after now (" + now
                    + "): check your clock. " + KEEP + ".");
        }
        long version = integer(claims.get("version"), "version");
        long sequence = integer(claims.get("sequence"), "sequence");
        if (last != null && (version < last[0] || sequence < last[1])) { // check 3
            throw new Failure("rollback", "version " + version + " sequence " + sequence
                    + " is older than the last accepted (version " + last[0] + " sequence "
                    + last[1] + "). " + KEEP + ", never lower your stored marks.");
        }
        return claims;
    }

    /** Why a signature does not count, or null when it verifies under a trusted key. */
    static String refusal(Map<String, Object> header, Map<String, TrustedKey> keys, byte[] input,
            byte[] signature) {
        Object alg = header.get("alg");
        Object kid = header.get("kid");
        if (!"EdDSA".equals(alg) && !"ES256".equals(alg)) {
            return "alg " + alg + " is never accepted";
        }
        if (!HEADER_TYP.equals(header.get("typ")) || header.containsKey("crit")) {
            return "kid " + kid + ": typ must be " + HEADER_TYP + ", without crit";
        }
        TrustedKey key = keys.get(kid);
        if (key == null) {
            return "kid " + kid + " is not a trusted key";
        }
        if (!key.alg().equals(alg)) {
            return "kid " + kid + " is a " + key.alg() + " key, header alg " + alg + " refused";
        }
        try {
            // ES256 signatures are the 64-byte R||S of RFC 7518, which is the P1363 format.
            Signature verifier = Signature.getInstance(
                    alg.equals("EdDSA") ? "Ed25519" : "SHA256withECDSAinP1363Format");
            verifier.initVerify(key.key());
            verifier.update(input);
            return verifier.verify(signature) ? null : "kid " + kid + ": signature does not verify";
        } catch (GeneralSecurityException error) {
            return "kid " + kid + ": signature does not verify (" + error.getMessage() + ")";
        }
    }

    /** Check 4: the downloaded bytes of an index have the sha256 the checkpoint pins. */
    static void checkFile(Map<String, Object> payload, String path, byte[] data) throws Failure {
        Object expected = object(payload.get("indexes"), "indexes").get(path);
        if (expected == null) {
            throw new Failure("unpinned-file", path + " is not pinned by the checkpoint.");
        }
        String actual;
        try {
            actual = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (GeneralSecurityException error) {
            throw new IllegalStateException(error);
        }
        if (!actual.equals(expected)) {
            throw new Failure("hash-mismatch", path + ": sha256 " + actual + " is not the pinned "
                    + expected + ". " + KEEP + "; download it again.");
        }
    }

    /** kid -> key from a JWK Set; each kid is recomputed (SHA-256 of the DER key, 16 hex). */
    static Map<String, TrustedKey> loadKeys(String text) throws Failure {
        Map<String, TrustedKey> keys = new LinkedHashMap<>();
        try {
            for (Object item : list(object(Json.parse(text), "keys.json").get("keys"), "keys")) {
                Map<String, Object> jwk = object(item, "a JWK");
                String kty = string(jwk.get("kty"), "kty");
                String crv = string(jwk.get("crv"), "crv");
                TrustedKey key;
                if (kty.equals("OKP") && crv.equals("Ed25519")) {
                    byte[] x = b64(string(jwk.get("x"), "x"));
                    byte[] der = new byte[ED25519_SPKI.length + x.length];
                    System.arraycopy(ED25519_SPKI, 0, der, 0, ED25519_SPKI.length);
                    System.arraycopy(x, 0, der, ED25519_SPKI.length, x.length);
                    KeyFactory factory = KeyFactory.getInstance("Ed25519");
                    PublicKey ed25519 = factory.generatePublic(new X509EncodedKeySpec(der));
                    key = new TrustedKey("EdDSA", ed25519);
                } else if (kty.equals("EC") && crv.equals("P-256")) {
                    AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
                    parameters.init(new ECGenParameterSpec("secp256r1"));
                    ECPoint point = new ECPoint(new BigInteger(1, b64(string(jwk.get("x"), "x"))),
                            new BigInteger(1, b64(string(jwk.get("y"), "y"))));
                    ECParameterSpec p256 = parameters.getParameterSpec(ECParameterSpec.class);
                    key = new TrustedKey("ES256", KeyFactory.getInstance("EC").generatePublic(
                            new ECPublicKeySpec(point, p256)));
                } else {
                    continue; // a key type this verifier does not use
                }
                byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.key().getEncoded());
                String kid = HexFormat.of().formatHex(digest).substring(0, 16);
                if (!kid.equals(jwk.get("kid"))) {
                    throw new Failure("malformed", "keys.json: kid " + jwk.get("kid")
                            + " is not the key's id " + kid);
                }
                keys.put(kid, key);
            }
        } catch (GeneralSecurityException error) {
            throw new Failure("malformed", "keys.json: unusable key (" + error.getMessage() + ")");
        }
        return keys;
    }

    // --- small typed accessors: anything unexpected is "malformed" ---

    static byte[] b64(String text) throws Failure {
        if (!text.matches("[A-Za-z0-9_-]*")) {
            throw new Failure("malformed", "not base64url text. " + KEEP + ".");
        }
        try {
            return Base64.getUrlDecoder().decode(text);
        } catch (IllegalArgumentException error) {
            throw new Failure("malformed", "not base64url text. " + KEEP + ".");
        }
    }

    static String utf8(byte[] data) throws Failure {
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(data)).toString();
        } catch (CharacterCodingException error) {
            throw new Failure("malformed", "not UTF-8. " + KEEP + ".");
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> object(Object value, String what) throws Failure {
        if (value instanceof Map) {
            return (Map<String, Object>) value;
        }
        throw new Failure("malformed", what + " is not a JSON object. " + KEEP + ".");
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object value, String what) throws Failure {
        if (value instanceof List) {
            return (List<Object>) value;
        }
        throw new Failure("malformed", what + " is not a JSON array. " + KEEP + ".");
    }

    static String string(Object value, String what) throws Failure {
        if (value instanceof String text) {
            return text;
        }
        throw new Failure("malformed", what + " is not a JSON string. " + KEEP + ".");
    }

    static long integer(Object value, String what) throws Failure {
        if (value instanceof Long number && number >= 0) {
            return number;
        }
        throw new Failure("malformed", what + " is not a non-negative integer. " + KEEP + ".");
    }

    static Instant time(Object value, String what) throws Failure {
        String text = string(value, what);
        if (!text.matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z")) {
            throw new Failure("malformed", what + " is not like 2025-07-01T08:00:00Z. " + KEEP
                    + ".");
        }
        return Instant.parse(text);
    }

    /** A minimal strict JSON reader (RFC 8259): objects, arrays, strings, numbers, literals. */
    static final class Json {
        static final Object NULL = new Object();
        private final String text;
        private int at;

        private Json(String text) {
            this.text = text;
        }

        static Object parse(String text) throws Failure {
            Json reader = new Json(text);
            Object value = reader.value();
            reader.space();
            if (reader.at != text.length()) {
                throw reader.error("trailing characters");
            }
            return value;
        }

        private Failure error(String what) {
            return new Failure("malformed", "not valid JSON: " + what + " at offset " + at + ". "
                    + KEEP + ".");
        }

        private void space() {
            while (at < text.length() && " \t\r\n".indexOf(text.charAt(at)) >= 0) {
                at++;
            }
        }

        private void expect(char c) throws Failure {
            space();
            if (at >= text.length() || text.charAt(at) != c) {
                throw error("expected '" + c + "'");
            }
            at++;
        }

        private boolean next(char c) {
            space();
            if (at < text.length() && text.charAt(at) == c) {
                at++;
                return true;
            }
            return false;
        }

        private Object value() throws Failure {
            space();
            if (at >= text.length()) {
                throw error("unexpected end");
            }
            char c = text.charAt(at);
            if (c == '{') {
                return members();
            } else if (c == '[') {
                return elements();
            } else if (c == '"') {
                return string();
            }
            for (Map.Entry<String, Object> literal : Map.<String, Object>of(
                    "true", Boolean.TRUE, "false", Boolean.FALSE, "null", NULL).entrySet()) {
                if (text.startsWith(literal.getKey(), at)) {
                    at += literal.getKey().length();
                    return literal.getValue();
                }
            }
            return number();
        }

        private Map<String, Object> members() throws Failure {
            Map<String, Object> map = new LinkedHashMap<>();
            expect('{');
            if (next('}')) {
                return map;
            }
            do {
                space();
                if (at >= text.length() || text.charAt(at) != '"') {
                    throw error("expected a member name");
                }
                String name = string();
                expect(':');
                if (map.put(name, value()) != null) {
                    throw error("duplicate member " + name);
                }
            } while (next(','));
            expect('}');
            return map;
        }

        private List<Object> elements() throws Failure {
            List<Object> list = new ArrayList<>();
            expect('[');
            if (next(']')) {
                return list;
            }
            do {
                list.add(value());
            } while (next(','));
            expect(']');
            return list;
        }

        private String string() throws Failure {
            StringBuilder out = new StringBuilder();
            at++; // the opening quote
            while (true) {
                if (at >= text.length()) {
                    throw error("unterminated string");
                }
                char c = text.charAt(at++);
                if (c == '"') {
                    return out.toString();
                } else if (c < 0x20) {
                    throw error("control character in a string");
                } else if (c != '\\') {
                    out.append(c);
                    continue;
                }
                char escape = at < text.length() ? text.charAt(at++) : '?';
                switch (escape) {
                    case '"', '\\', '/' -> out.append(escape);
                    case 'b' -> out.append('\b');
                    case 'f' -> out.append('\f');
                    case 'n' -> out.append('\n');
                    case 'r' -> out.append('\r');
                    case 't' -> out.append('\t');
                    case 'u' -> {
                        String hex = text.substring(at, Math.min(at + 4, text.length()));
                        if (!hex.matches("[0-9A-Fa-f]{4}")) {
                            throw error("bad \\u escape");
                        }
                        out.append((char) Integer.parseInt(hex, 16));
                        at += 4;
                    }
                    default -> throw error("bad escape");
                }
            }
        }

        private Object number() throws Failure {
            int start = at;
            while (at < text.length() && "+-0123456789.eE".indexOf(text.charAt(at)) >= 0) {
                at++;
            }
            String token = text.substring(start, at);
            if (token.matches("-?(0|[1-9][0-9]{0,17})")) {
                return Long.parseLong(token);
            } else if (token.matches("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?")) {
                return new BigDecimal(token); // never a valid version or sequence
            }
            throw error("unexpected value");
        }
    }
}
