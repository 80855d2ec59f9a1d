package dev.strata.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.oci.Descriptor;
import dev.strata.oci.Digest;
import dev.strata.oci.Manifest;
import dev.strata.oci.MediaType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A skeleton lives as long as its layer: prune keeps it while an image names the layer's diffID, and drops it after. */
class SkeletonPruneTest {
    @TempDir
    Path dir;

    @Test
    void pruneKeepsASkeletonWhileItsLayerIsKeptAndRemovesItAfter() {
        Store s = Store.open(dir);
        Skeletons skeletons = new Skeletons(s);
        // an uncompressed layer: its digest is its diffID
        Descriptor layer = s.putBlob(MediaType.OCI_LAYER, new byte[1024]);
        String cfg = "{\"os\":\"linux\",\"architecture\":\"amd64\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\""
                + layer.digest() + "\"]}}";
        Descriptor config = s.putBlob(MediaType.OCI_CONFIG, cfg.getBytes(StandardCharsets.UTF_8));
        Descriptor md = s.putBlob(
                MediaType.OCI_MANIFEST,
                Manifest.of(MediaType.OCI_MANIFEST, config, List.of(layer), Map.of())
                        .bytes());
        s.tag("a:1", "docker.io/library/a:1", md);
        Descriptor skeleton = skeletons.put(layer.digest(), "skeleton of the layer".getBytes(StandardCharsets.UTF_8));
        Digest orphan = Digest.sha256("a layer nothing names".getBytes(StandardCharsets.UTF_8));
        Descriptor orphanSkeleton = skeletons.put(orphan, "skeleton of nothing".getBytes(StandardCharsets.UTF_8));

        // within the grace period even the orphan stays: a build may be writing the record that names it
        s.prune(Duration.ofMinutes(10));
        assertThat(skeletons.find(orphan)).contains(orphanSkeleton);

        s.prune(Duration.ZERO);
        assertThat(skeletons.find(layer.digest())).contains(skeleton);
        assertThat(s.hasBlob(skeleton.digest())).isTrue();
        assertThat(skeletons.find(orphan)).isEmpty();
        assertThat(s.hasBlob(orphanSkeleton.digest())).isFalse();

        s.untag("a:1");
        s.prune(Duration.ZERO);
        assertThat(s.hasBlob(layer.digest())).isFalse();
        assertThat(skeletons.find(layer.digest())).isEmpty();
        assertThat(s.hasBlob(skeleton.digest())).isFalse();
    }
}
