package dev.strata.cli;

import dev.strata.oci.Descriptor;
import dev.strata.oci.Manifest;
import dev.strata.oci.MediaType;
import dev.strata.store.Store;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;

/**
 * A multi-layer image of incompressible bytes in a store, big enough that a pull or push of it takes
 * a while on loopback: long enough to be interrupted in the middle.
 */
final class BigImages {
    private BigImages() {}

    /** Tags an image of {@code layers} random layers of {@code layerBytes} each as {@code ref}. */
    static Descriptor store(Store s, String ref, int layers, int layerBytes, long seed) {
        Random r = new Random(seed);
        List<Descriptor> ls = new ArrayList<>();
        for (int i = 0; i < layers; i++) {
            // sizes differ so that the layers finish at different times
            byte[] b = new byte[layerBytes - i * (layerBytes / (2 * layers))];
            r.nextBytes(b);
            ls.add(s.putBlob(MediaType.OCI_LAYER, b));
        }
        String diffIds = ls.stream().map(d -> "\"" + d.digest() + "\"").collect(Collectors.joining(","));
        String cfg = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":["
                + diffIds + "]}}";
        Descriptor c = s.putBlob(MediaType.OCI_CONFIG, cfg.getBytes(StandardCharsets.UTF_8));
        Descriptor m = s.putBlob(
                MediaType.OCI_MANIFEST,
                Manifest.of(MediaType.OCI_MANIFEST, c, ls, Map.of()).bytes());
        s.tag(ref, ref, m);
        return m;
    }
}
