package dev.strata.oci;

import dev.strata.error.StrataException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * A content digest as OCI writes it: {@code algorithm:hex}. Only sha256 and sha512 are accepted,
 * and the hex part must have the algorithm's length, so a digest that parses is one we can verify.
 */
public record Digest(String algorithm, String hex) implements Comparable<Digest> {
    private static final Pattern HEX = Pattern.compile("[a-f0-9]+");

    public Digest {
        int expected = switch (algorithm) {
            case "sha256" -> 64;
            case "sha512" -> 128;
            default ->
                throw StrataException.input("unsupported digest algorithm '" + algorithm
                        + "': strata verifies sha256 and sha512 digests only");
        };
        if (hex.length() != expected || !HEX.matcher(hex).matches()) {
            throw StrataException.input("invalid " + algorithm + " digest '" + hex + "': expected " + expected
                    + " lowercase hex characters");
        }
    }

    /** Parses {@code sha256:…}; the error names what is wrong. */
    public static Digest parse(String text) {
        int colon = text.indexOf(':');
        if (colon <= 0) {
            throw StrataException.input("invalid digest '" + text + "': expected ALGORITHM:HEX, e.g. sha256:<64 hex>");
        }
        return new Digest(text.substring(0, colon), text.substring(colon + 1));
    }

    /** The sha256 digest of these bytes. */
    public static Digest sha256(byte[] bytes) {
        return fromHash("sha256", newSha256().digest(bytes));
    }

    /** A fresh sha256 {@link MessageDigest}; SHA-256 is present in every JDK. */
    public static MessageDigest newSha256() {
        return newHasher("sha256");
    }

    /** A fresh {@link MessageDigest} for this digest's algorithm, to verify content against it. */
    public MessageDigest newHasher() {
        return newHasher(algorithm);
    }

    /** The digest made from a finished hash of the given algorithm. */
    public static Digest fromHash(String algorithm, byte[] hash) {
        return new Digest(algorithm, HexFormat.of().formatHex(hash));
    }

    /** Finishes {@code hasher} and returns its digest under {@code algorithm}. */
    public static Digest finish(String algorithm, MessageDigest hasher) {
        return fromHash(algorithm, hasher.digest());
    }

    private static MessageDigest newHasher(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm.equals("sha512") ? "SHA-512" : "SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks " + algorithm, e);
        }
    }

    /** The short form people read in logs: the first 12 hex characters. */
    public String shortHex() {
        return hex.substring(0, 12);
    }

    @Override
    public String toString() {
        return algorithm + ":" + hex;
    }

    @Override
    public int compareTo(Digest o) {
        return toString().compareTo(o.toString());
    }
}
