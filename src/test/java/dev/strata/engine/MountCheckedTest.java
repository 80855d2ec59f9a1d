package dev.strata.engine;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/** Build tests that mount: each gets a temp dir, and no mount below it may outlive the test. */
abstract class MountCheckedTest {
    @TempDir
    Path dir;

    @AfterEach
    void nothingStaysMounted() throws Exception {
        BuildFixture.assertNothingMountedUnder(dir);
    }
}
