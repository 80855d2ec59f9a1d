package dev.strata.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.store.Store;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * strata as a real process on its own STRATA_HOME (and HOME, so no docker config of the machine is
 * read), and skopeo: what the registry build tests run, as a CI job would.
 */
final class StrataProcess {
    private StrataProcess() {}

    /** Exit code and output (stdout and stderr together) of one run. */
    record Run(int code, String out) {}

    static Run strata(Path home, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "dev.strata.cli.Main"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("STRATA_HOME", home.toString());
        pb.environment()
                .put("HOME", home.resolveSibling(home.getFileName() + "-home").toString());
        pb.environment().remove("DOCKER_CONFIG");
        pb.environment().remove("REGISTRY_AUTH_FILE");
        pb.environment().remove("SOURCE_DATE_EPOCH");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Run(p.waitFor(), out);
    }

    /** A store under {@code setup} with the busybox base, pushed to {@code host}/base:1 by {@code strata push}. */
    static Store pushBase(String host, Path setup) throws Exception {
        Store store = Store.open(setup.resolve("store"));
        BuildFixture.importBusybox(store, setup.resolve("rootfs"));
        Run push = strata(setup.resolve("store"), "push", BuildFixture.BASE, host + "/base:1");
        assertThat(push.code()).as(push.out()).isZero();
        return store;
    }

    /** skopeo's stdout; it must succeed. */
    static String skopeo(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("skopeo"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as("skopeo " + String.join(" ", args)).isZero();
        return out;
    }
}
