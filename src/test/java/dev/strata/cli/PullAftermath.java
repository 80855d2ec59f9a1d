package dev.strata.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.oci.Descriptor;
import dev.strata.store.Store;
import java.nio.file.Path;

/** What must hold after a pull was interrupted, whatever the point: checked by the quick test and the soak. */
final class PullAftermath {
    private PullAftermath() {}

    static void check(Path home, String ref, Descriptor pushed) throws Exception {
        assertThat(StoreAudit.problems(home)).as("store after the kill").isEmpty();
        StrataProcess.Result images = StrataProcess.run(home, "images");
        assertThat(images.code()).as(images.out()).isZero();

        StrataProcess.Result prune = StrataProcess.run(home, "prune", "--grace=0s");
        assertThat(prune.code()).as(prune.out()).isZero();
        assertThat(StoreAudit.temps(home))
                .as("temp files after prune --grace=0s")
                .isEmpty();
        assertThat(StoreAudit.problems(home)).as("store after prune").isEmpty();

        StrataProcess.Result again = StrataProcess.run(home, "pull", ref);
        assertThat(again.code()).as(again.out()).isZero();
        assertThat(again.out()).contains(pushed.digest().toString());
        assertThat(Store.open(home).resolve(ref).orElseThrow().digest()).isEqualTo(pushed.digest());
        assertThat(StoreAudit.problems(home)).as("store after the second pull").isEmpty();
        assertThat(StoreAudit.temps(home))
                .as("temp files after the second pull")
                .isEmpty();
    }
}
