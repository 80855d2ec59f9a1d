package dev.strata.store;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.oci.Artifact;
import dev.strata.oci.Descriptor;
import dev.strata.oci.Digest;
import dev.strata.oci.ImageSink;
import dev.strata.oci.Layer;
import dev.strata.oci.OciJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A docker-archive as an {@link ImageSink}, the form every {@code docker load} accepts: the config as
 * HEX.json, each layer uncompressed as DIFFID/layer.tar (unpacked to a temp file under {@code temp}
 * first, its blob digest and diffID checked), and manifest.json last. The tar is the caller's to close.
 * Failures are {@link UncheckedIOException}s for the caller to name.
 */
final class DockerArchiveSink implements ImageSink {
    private final DeterministicTar tar;
    private final String repoTag;
    private final Path temp;
    private final Map<Digest, Digest> diffIds = new HashMap<>();

    /** @param repoTag the RepoTags entry, e.g. {@code app:1}; empty for none */
    DockerArchiveSink(DeterministicTar tar, String repoTag, Path temp) {
        this.tar = tar;
        this.repoTag = repoTag;
        this.temp = temp;
    }

    @Override
    public String name() {
        return "docker-archive";
    }

    @Override
    public void blob(Artifact artifact, Layer blob) {
        try {
            if (artifact.isConfig(blob)) {
                try (InputStream in = ImageExport.verified(blob)) {
                    tar.file(configName(artifact), in.readAllBytes());
                }
                return;
            }
            diffIds.put(blob.descriptor().digest(), blob.diffId());
            String dir = blob.diffId().hex() + "/";
            if (tar.has(dir)) {
                return;
            }
            tar.dir(dir);
            Path tmp = temp.resolve(TempNames.of("export"));
            try {
                long size = ImageExport.uncompressedTo(blob, tmp);
                try (InputStream in = Files.newInputStream(tmp)) {
                    tar.file(dir + "layer.tar", size, in);
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void manifest(Artifact artifact) {
        ObjectNode entry = OciJson.object();
        entry.put("Config", configName(artifact));
        ArrayNode tags = entry.putArray("RepoTags");
        if (!repoTag.isEmpty()) {
            tags.add(repoTag);
        }
        ArrayNode layers = entry.putArray("Layers");
        for (Descriptor l : artifact.manifest().layers()) {
            layers.add(diffIds.get(l.digest()).hex() + "/layer.tar");
        }
        ArrayNode manifest = OciJson.array();
        manifest.add(entry);
        try {
            tar.file("manifest.json", OciJson.bytes(manifest));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String configName(Artifact artifact) {
        return artifact.manifest().config().digest().hex() + ".json";
    }
}
