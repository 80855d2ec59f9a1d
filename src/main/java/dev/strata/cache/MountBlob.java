package dev.strata.cache;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.oci.Descriptor;
import dev.strata.oci.Digest;
import dev.strata.oci.OciJson;
import java.time.LocalDate;

/**
 * The content of one cache mount id in an exported cache: a gzip tar of the directory (its entries
 * relative to the mount's root, mtimes kept), and the last day a build used the id (retention reads
 * it). It is never a layer of an image and never part of a key: only a RUN that misses reads it.
 */
public record MountBlob(Descriptor blob, LocalDate lastUsed) {
    public static final String MEDIA_TYPE = "application/vnd.strata.cache.mount.v1.tar+gzip";

    public MountBlob usedOn(LocalDate day) {
        return new MountBlob(blob, day);
    }

    ObjectNode toJson() {
        ObjectNode o = OciJson.object();
        o.put("mediaType", blob.mediaType());
        o.put("digest", blob.digest().toString());
        o.put("size", blob.size());
        o.put("lastUsed", lastUsed.toString());
        return o;
    }

    static MountBlob fromJson(JsonNode o) {
        return new MountBlob(
                new Descriptor(
                        o.path("mediaType").asText(),
                        Digest.parse(o.path("digest").asText()),
                        o.path("size").asLong()),
                LocalDate.parse(o.path("lastUsed").asText()));
    }
}
