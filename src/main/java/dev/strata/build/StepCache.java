package dev.strata.build;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.error.StrataException;
import dev.strata.oci.Descriptor;
import dev.strata.oci.Digest;
import dev.strata.store.Store;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The build's local step cache: one record per step key under the store ({@code build-cache/}),
 * each naming the layer the step produced (or none); the layer is kept alive by a store ref so
 * {@code strata prune} leaves it. Records are written for every step, hits included.
 */
final class StepCache {
    static final String NAMESPACE = "build-cache";

    /** What a step's result depends on; {@link #key()} is the sha256 of its canonical JSON. */
    record Inputs(String parentState, String instruction, SortedMap<String, String> inputs) {
        Inputs {
            inputs = new TreeMap<>(inputs);
        }

        Digest key() {
            return Digest.sha256(json().toString().getBytes(StandardCharsets.UTF_8));
        }

        ObjectNode json() {
            ObjectNode n = MAPPER.createObjectNode();
            n.put("parent", parentState);
            n.put("instruction", instruction);
            ObjectNode in = n.putObject("inputs");
            inputs.forEach(in::put);
            return n;
        }
    }

    /** A step's recorded result. */
    record Record(Digest key, Inputs inputs, Optional<Descriptor> layer, Optional<Digest> diffId, Instant created) {
    }

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final Store store;
    private final Path dir;

    StepCache(Store store) {
        this.store = store;
        this.dir = store.root().resolve(NAMESPACE);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw StrataException.environment("cannot create " + dir + ": " + e.getMessage(), e);
        }
    }

    String name() {
        return "local";
    }

    Optional<Record> lookup(Digest key) {
        Path p = dir.resolve(key.hex() + ".json");
        if (!Files.exists(p)) {
            return Optional.empty();
        }
        return Optional.ofNullable(read(p));
    }

    void add(Record r) {
        ObjectNode n = r.inputs().json();
        r.layer().ifPresent(d -> {
            ObjectNode l = n.putObject("layer");
            l.put("mediaType", d.mediaType());
            l.put("digest", d.digest().toString());
            l.put("size", d.size());
        });
        r.diffId().ifPresent(d -> n.put("diffId", d.toString()));
        n.put("created", r.created().toString());
        r.layer().ifPresent(d -> store.setRef(NAMESPACE, r.key().hex(), d));
        Path tmp = dir.resolve(".tmp-" + UUID.randomUUID());
        try {
            Files.write(tmp, MAPPER.writeValueAsBytes(n));
            Files.move(tmp, dir.resolve(r.key().hex() + ".json"), StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw StrataException.environment("cannot write a cache record under " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Records with this parent state and this kind of instruction (for miss explanations). */
    List<Record> candidates(String parentState, String kind) {
        List<Record> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : (Iterable<Path>) s.filter(f -> f.toString().endsWith(".json"))::iterator) {
                Record r = read(p);
                if (r != null && r.inputs().parentState().equals(parentState)
                        && r.inputs().instruction().startsWith(kind + " ")) {
                    out.add(r);
                }
            }
        } catch (IOException e) {
            return out;
        }
        return out;
    }

    /** Why {@code wanted} missed: compared with the closest record of the same parent and kind. */
    String explain(Inputs wanted, String kind) {
        List<Record> same = candidates(wanted.parentState(), kind);
        if (same.isEmpty()) {
            return "no cached result after the previous step (it is new or changed)";
        }
        Record best = null;
        int bestScore = -1;
        for (Record r : same) {
            int score = r.inputs().instruction().equals(wanted.instruction()) ? 1000 : 0;
            for (Map.Entry<String, String> e : wanted.inputs().entrySet()) {
                if (e.getValue().equals(r.inputs().inputs().get(e.getKey()))) {
                    score++;
                }
            }
            if (score > bestScore) {
                best = r;
                bestScore = score;
            }
        }
        List<String> changed = new ArrayList<>();
        if (!best.inputs().instruction().equals(wanted.instruction())) {
            changed.add("the instruction changed (was: " + best.inputs().instruction() + ")");
        }
        for (Map.Entry<String, String> e : wanted.inputs().entrySet()) {
            String before = best.inputs().inputs().get(e.getKey());
            if (!e.getValue().equals(before)) {
                changed.add(describe(e.getKey(), before == null));
            }
        }
        for (String k : best.inputs().inputs().keySet()) {
            if (!wanted.inputs().containsKey(k)) {
                changed.add(describe(k, false) + " (no longer used)");
            }
        }
        return changed.isEmpty() ? "no cached result" : String.join("; ", changed);
    }

    private static String describe(String key, boolean isNew) {
        int colon = key.indexOf(':');
        String kind = colon < 0 ? key : key.substring(0, colon);
        String what = colon < 0 ? "" : key.substring(colon + 1);
        String s = switch (kind) {
            case "file" -> "files copied to " + what + " changed";
            case "arg" -> "build arg " + what + " changed";
            case "heredoc" -> "heredoc " + what + " changed";
            case "mount" -> "mount " + what + " changed";
            default -> key + " changed";
        };
        return isNew ? s.replace(" changed", " is new") : s;
    }

    private Record read(Path p) {
        try {
            JsonNode n = MAPPER.readTree(Files.readAllBytes(p));
            TreeMap<String, String> in = new TreeMap<>();
            n.path("inputs").fields().forEachRemaining(e -> in.put(e.getKey(), e.getValue().asText()));
            Inputs inputs = new Inputs(n.path("parent").asText(), n.path("instruction").asText(), in);
            Optional<Descriptor> layer = n.has("layer") ? Optional.of(new Descriptor(n.path("layer").path("mediaType").asText(),
                    Digest.parse(n.path("layer").path("digest").asText()), n.path("layer").path("size").asLong()))
                    : Optional.empty();
            Optional<Digest> diffId = n.has("diffId") ? Optional.of(Digest.parse(n.path("diffId").asText()))
                    : Optional.empty();
            return new Record(inputs.key(), inputs, layer, diffId, Instant.parse(n.path("created").asText("1970-01-01T00:00:00Z")));
        } catch (IOException | RuntimeException e) {
            return null; // a damaged record is a miss, never a failure
        }
    }
}
