package dev.strata.registry;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A user name and secret for one registry. An identity token (docker's {@code <token>} user name)
 * is an OAuth2 refresh token, spent on the token endpoint rather than sent as Basic auth.
 * {@link #toString()} never shows the secret.
 */
public record Credential(String username, String secret) {
    /** Docker's marker user name for an identity (refresh) token. */
    public static final String TOKEN_USER = "<token>";

    public boolean isIdentityToken() {
        return TOKEN_USER.equals(username);
    }

    /** The value of an {@code Authorization: Basic} header. */
    String basicHeader() {
        return "Basic "
                + Base64.getEncoder().encodeToString((username + ":" + secret).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "Credential[" + username + ", ****]";
    }
}
