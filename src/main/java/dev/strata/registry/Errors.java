package dev.strata.registry;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strata.error.StrataException;
import dev.strata.oci.OciJson;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

/** Turns a registry's refusal into a message a user can act on (exit 3). Never includes credentials. */
final class Errors {
    private Errors() {}

    /**
     * @param what    what was attempted, e.g. "pull 127.0.0.1:5000/app:1"
     * @param subject the thing that may be missing, e.g. the reference or "blob sha256:…"
     */
    static StrataException of(HttpResponse<InputStream> resp, Transport t, String what, String subject) {
        int status = resp.statusCode();
        String detail = detail(resp);
        String registry = t.registry();
        return switch (status) {
            case 401 ->
                StrataException.registry("cannot " + what + ": " + registry
                        + (t.auth().hasCredential() ? " refused the saved credentials" : " requires authentication")
                        + " (401 Unauthorized" + detail + "); run `strata login " + registry + "`");
            case 403 ->
                StrataException.registry("cannot " + what + ": " + registry
                        + " denied access (403 Forbidden" + detail
                        + "); check that your account may do this, or run `strata login "
                        + registry + "` as another user");
            case 404 ->
                StrataException.registry("cannot " + what + ": " + subject + " was not found on " + registry + " (404"
                        + detail + "); check the repository name and tag");
            default ->
                StrataException.registry("cannot " + what + ": " + registry + " answered " + status + detail
                        + (status >= 500 || status == 429 ? "; it kept failing after retries, try again later" : ""));
        };
    }

    /** ": CODE message" from the distribution error body, if there is one. */
    private static String detail(HttpResponse<InputStream> resp) {
        byte[] body;
        try (InputStream in = resp.body()) {
            body = in.readNBytes(16 << 10);
        } catch (IOException e) {
            return "";
        }
        if (body.length == 0 || body[0] != '{') {
            return "";
        }
        try {
            JsonNode errors = OciJson.parse(body, "error body").path("errors");
            List<String> parts = new ArrayList<>();
            for (JsonNode e : errors) {
                String code = e.path("code").asText("");
                String msg = e.path("message").asText("");
                parts.add((code + " " + msg).trim());
            }
            return parts.isEmpty() ? "" : ": " + String.join("; ", parts);
        } catch (StrataException notJson) {
            return "";
        }
    }
}
