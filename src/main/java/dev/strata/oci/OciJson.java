package dev.strata.oci;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.error.StrataException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The JSON rules of the OCI model. Values write their own fields in a fixed order, maps sorted by
 * key, no pretty printing: the same value always gives the same bytes, so the same digest.
 */
public final class OciJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private OciJson() {}

    /** A new empty object node. */
    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /** A new empty array node. */
    public static ArrayNode array() {
        return MAPPER.createArrayNode();
    }

    /** Compact bytes of a tree, in the order its fields were put. */
    public static byte[] bytes(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise JSON", e);
        }
    }

    /** Parses bytes as a JSON object; {@code what} names the document in the error. */
    public static JsonNode parse(byte[] bytes, String what) {
        try {
            JsonNode node = MAPPER.readTree(bytes);
            if (node == null || !node.isObject()) {
                throw StrataException.input(what + " is not a JSON object");
            }
            return node;
        } catch (IOException e) {
            throw StrataException.input(what + " is not valid JSON: " + errorText(e), e);
        }
    }

    /** The mapper itself, for the few places that bind plain data (auth files, records). */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    static Optional<String> optText(JsonNode node, String field) {
        return Optional.ofNullable(text(node, field));
    }

    static String required(JsonNode node, String field, String what) {
        String v = text(node, field);
        if (v == null) {
            throw StrataException.input(what + " lacks the required field '" + field + "'");
        }
        return v;
    }

    static List<String> strings(JsonNode node) {
        List<String> out = new ArrayList<>();
        if (node != null && node.isArray()) {
            node.forEach(n -> out.add(n.asText()));
        }
        return List.copyOf(out);
    }

    static Map<String, String> stringMap(JsonNode node) {
        Map<String, String> out = new TreeMap<>();
        if (node != null && node.isObject()) {
            node.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
        }
        return out;
    }

    static void putStrings(ObjectNode node, String field, Collection<String> values) {
        ArrayNode arr = node.putArray(field);
        values.forEach(arr::add);
    }

    static void putMap(ObjectNode node, String field, Map<String, String> values) {
        ObjectNode obj = node.putObject(field);
        new TreeMap<>(values).forEach(obj::put);
    }

    static String errorText(IOException e) {
        return e instanceof JsonProcessingException jpe ? jpe.getOriginalMessage() : e.getMessage();
    }
}
