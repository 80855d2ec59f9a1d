package dev.strata.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.oci.Descriptor;
import dev.strata.oci.Manifest;
import dev.strata.oci.MediaType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PruneTest {
    @TempDir
    Path dir;

    @Test
    void pruneKeepsWhatTagsAndRefsReachAndDeletesTheRest() {
        Store s = Store.open(dir);
        Descriptor layer = s.putBlob(MediaType.OCI_LAYER, new byte[1024]);
        String cfg = "{\"os\":\"linux\",\"architecture\":\"amd64\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\""
                + layer.digest() + "\"]}}";
        Descriptor config = s.putBlob(MediaType.OCI_CONFIG, cfg.getBytes(StandardCharsets.UTF_8));
        Manifest m = Manifest.of(MediaType.OCI_MANIFEST, config, List.of(layer), Map.of());
        Descriptor md = s.putBlob(MediaType.OCI_MANIFEST, m.bytes());
        s.tag("a:1", "docker.io/library/a:1", md);
        var img = s.image("a:1").orElseThrow();
        assertThat(img.layers())
                .singleElement()
                .satisfies(l -> assertThat(l.diffId()).isEqualTo(layer.digest()));
        Descriptor record = s.putBlob("application/json", "{\"r\":1}".getBytes(StandardCharsets.UTF_8));
        s.setRef("cache", "k1", record);
        Descriptor junk = s.putBlob("x", "junk".getBytes(StandardCharsets.UTF_8));

        assertThat(s.prune(Duration.ZERO)).isEqualTo(1);
        assertThat(s.hasBlob(junk.digest())).isFalse();
        assertThat(List.of(layer, config, md, record)).allMatch(d -> s.hasBlob(d.digest()));

        s.removeRef("cache", "k1");
        assertThat(s.prune(Duration.ZERO)).isEqualTo(1);
        assertThat(s.hasBlob(record.digest())).isFalse();
        assertThat(s.hasBlob(layer.digest())).isTrue();
    }
}
