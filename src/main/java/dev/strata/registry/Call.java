package dev.strata.registry;

import java.net.URI;
import java.net.http.HttpRequest;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * One registry request as data, so the transport can send it again (after a 401 challenge, a
 * redirect or a retriable failure): the body is a supplier of fresh publishers.
 *
 * @param scopes the token scopes this request needs, e.g. {@code repository:a/b:pull,push}
 */
record Call(
        String method,
        URI uri,
        Map<String, String> headers,
        Supplier<HttpRequest.BodyPublisher> body,
        List<String> scopes,
        boolean hasBody) {

    Call {
        headers = Map.copyOf(headers);
        scopes = List.copyOf(scopes);
    }

    static Call get(URI uri, List<String> scopes, Map<String, String> headers) {
        return new Call("GET", uri, headers, HttpRequest.BodyPublishers::noBody, scopes, false);
    }

    static Call head(URI uri, List<String> scopes, Map<String, String> headers) {
        return new Call("HEAD", uri, headers, HttpRequest.BodyPublishers::noBody, scopes, false);
    }

    static Call send(
            String method,
            URI uri,
            List<String> scopes,
            Map<String, String> headers,
            Supplier<HttpRequest.BodyPublisher> body) {
        return new Call(method, uri, headers, body, scopes, true);
    }
}
