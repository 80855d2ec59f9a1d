package dev.strata.registry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.oci.BlobSource;
import dev.strata.oci.Descriptor;
import dev.strata.oci.Digest;
import dev.strata.oci.Image;
import dev.strata.oci.Layer;
import dev.strata.oci.Manifest;
import dev.strata.oci.MediaType;
import dev.strata.oci.OciJson;
import dev.strata.oci.Platform;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.GZIPOutputStream;

/** Small in-memory images for registry tests: gzip layers of seeded random bytes and a valid config. */
final class TestImages {
    /** An image whose blobs live in a map; counts how often each layer was opened. */
    record MemImage(
            Manifest manifest,
            byte[] configBytes,
            List<Layer> layers,
            Map<Digest, byte[]> blobs,
            Map<Digest, Integer> opens)
            implements Image {
        byte[] blob(Digest d) {
            return blobs.get(d);
        }
    }

    private TestImages() {}

    static MemImage random(long seed, Platform platform, int... sizes) {
        Random r = new Random(seed);
        List<byte[]> raw = new ArrayList<>();
        for (int size : sizes) {
            byte[] b = new byte[size];
            r.nextBytes(b);
            raw.add(b);
        }
        return of(raw, platform, MediaType.OCI_MANIFEST);
    }

    static MemImage of(List<byte[]> uncompressed, Platform platform, String manifestType) {
        boolean docker = manifestType.equals(MediaType.DOCKER_MANIFEST);
        Map<Digest, byte[]> blobs = new ConcurrentHashMap<>();
        Map<Digest, Integer> opens = new ConcurrentHashMap<>();
        List<Descriptor> descs = new ArrayList<>();
        ObjectNode cfg = OciJson.object();
        cfg.put("architecture", platform.architecture());
        cfg.put("os", platform.os());
        if (!platform.variant().isEmpty()) {
            cfg.put("variant", platform.variant());
        }
        ObjectNode rootfs = cfg.putObject("rootfs");
        rootfs.put("type", "layers");
        var diffIds = rootfs.putArray("diff_ids");
        for (byte[] u : uncompressed) {
            byte[] gz = gzip(u);
            Digest d = Digest.sha256(gz);
            blobs.put(d, gz);
            descs.add(new Descriptor(docker ? MediaType.DOCKER_LAYER_GZIP : MediaType.OCI_LAYER_GZIP, d, gz.length));
            diffIds.add(Digest.sha256(u).toString());
        }
        cfg.putObject("config").putArray("Cmd").add("true");
        byte[] configBytes = OciJson.bytes(cfg);
        Descriptor config = new Descriptor(
                docker ? MediaType.DOCKER_CONFIG : MediaType.OCI_CONFIG,
                Digest.sha256(configBytes),
                configBytes.length);
        blobs.put(config.digest(), configBytes);
        Manifest m = Manifest.of(manifestType, config, descs, Map.of());
        BlobSource source = d -> {
            opens.merge(d.digest(), 1, Integer::sum);
            return new ByteArrayInputStream(blobs.get(d.digest()));
        };
        List<Layer> layers = new ArrayList<>();
        for (int i = 0; i < descs.size(); i++) {
            layers.add(source.layer(descs.get(i), Digest.sha256(uncompressed.get(i))));
        }
        return new MemImage(m, configBytes, layers, blobs, opens);
    }

    static byte[] gzip(byte[] b) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(b);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static byte[] readAll(InputStream in) {
        try (in) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
