package dev.strata.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.registry.RegistryFixture;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tty live view in a real terminal: strata builds in a tmux window (its own tmux server), with
 * no --progress flag, as a person would run it, and the test reads the screen with capture-pane
 * while the RUN step prints and after the build: the running step with its timer and last lines,
 * the status line, lines cut to a narrowed window, and the summary line with the bytes pulled
 * (the base comes from a registry on 127.0.0.1), pushed and exported.
 */
class TtyProgressTest {
    private static final String DOCKERFILE = """
            FROM %s/base:1
            COPY a.txt /a.txt
            RUN for i in $(seq 1 32); do echo tick-$i; sleep 0.25; done
            """;
    /** "#3 [stage-0 3/3] RUN for i in ...   2.4s": a header with its timer at the right. */
    private static final Pattern TIMER = Pattern.compile("(?m)^#\\d+ \\[.*\\] RUN for i in.* \\d+\\.\\ds$");

    @TempDir
    Path tmp;

    private final String socket = "strata-tty-" + UUID.randomUUID();

    @AfterEach
    void killServer() throws Exception {
        tmux("kill-server");
    }

    @Test
    void theLiveViewShowsARunningStepItsOutputAndTheBytesMoved() throws Exception {
        String host;
        try (RegistryFixture registry = RegistryFixture.plain()) {
            host = registry.host();
            Path setup = tmp.resolve("setup");
            BusyboxStore.create(setup, BusyboxStore.rootfsTar(tmp));
            StrataProcess.Result push = StrataProcess.run(setup, "push", "test/busybox:latest", host + "/base:1");
            assertThat(push.code()).as(push.out()).isZero();
            Path ctx = Files.createDirectories(tmp.resolve("ctx"));
            Files.writeString(ctx.resolve("Dockerfile"), DOCKERFILE.formatted(host));
            Files.writeString(ctx.resolve("a.txt"), "a\n");
            Path script = tmp.resolve("build.sh");
            Files.writeString(
                    script,
                    String.join(
                            "\n",
                            "#!/bin/sh",
                            "export STRATA_HOME=" + tmp.resolve("home"),
                            "export REGISTRY_AUTH_FILE=" + tmp.resolve("no-auth.json"),
                            "unset DOCKER_CONFIG SOURCE_DATE_EPOCH COLUMNS LINES",
                            "'" + Path.of(System.getProperty("java.home"), "bin", "java") + "' -cp '"
                                    + System.getProperty("java.class.path") + "' dev.strata.cli.Main build -t " + host
                                    + "/app:1 --push --cache-to type=local,dest=" + tmp.resolve("cache") + " " + ctx,
                            "echo \"EXIT=$?\"",
                            "sleep 600",
                            ""));
            tmux("new-session", "-d", "-s", "b", "-x", "100", "-y", "30", "sh " + script);

            String mid = await(s -> TIMER.matcher(s).find() && s.contains("  tick-6"), "a running RUN with output");
            assertThat(mid).containsPattern("(?m)^\\[\\+\\] \\d+\\.\\ds \\d+ cached, \\d+ run, 1 running; pulled ");
            assertThat(mid)
                    .contains("#1 CACHED")
                    .containsPattern("(?m)^#2 DONE ")
                    .doesNotContain("\u001b");
            List<Integer> ticks = lines(mid).stream()
                    .filter(l -> l.startsWith("  tick-"))
                    .map(l -> Integer.parseInt(l.substring("  tick-".length())))
                    .toList();
            // the last five lines of the running step, in order, the newest last
            assertThat(ticks).hasSize(5);
            for (int i = 1; i < ticks.size(); i++) {
                assertThat(ticks.get(i)).isEqualTo(ticks.get(i - 1) + 1);
            }

            tmux("resize-window", "-t", "b", "-x", "36");
            String narrow = await(
                    s -> lines(s).stream().anyMatch(l -> l.matches("\\[\\+\\] \\d+\\.\\ds 1 running, \\d+ done")),
                    "the narrow status line");
            List<String> live = lines(narrow.substring(narrow.lastIndexOf("[+] ")));
            assertThat(live).allMatch(l -> l.length() < 36, "fits 36 columns");
            assertThat(live).noneMatch(l -> l.startsWith("  tick-"));
            tmux("resize-window", "-t", "b", "-x", "100");

            String end = await(s -> s.contains("EXIT="), "the end of the build");
            assertThat(end).contains("EXIT=0");
            assertThat(end).containsPattern("(?m)^#\\d+ DONE \\d+\\.\\ds$");
            assertThat(end)
                    .containsPattern("(?m)^\\[\\+\\] 0 hits, 2 misses; pulled [1-9][0-9.]* [KM]iB, pushed [1-9][0-9.]* "
                            + "(B|KiB|MiB), cache exported [1-9][0-9.]* (B|KiB|MiB) in \\d+\\.\\ds$");
            assertThat(end).containsPattern("(?m)^DONE \\d+\\.\\ds sha256:[0-9a-f]{64}$");
            // the live area is gone: no output line of the finished RUN, no status line left behind
            // (above the RUN's end a frame drawn in the half second before the resize was noticed may remain)
            String after = end.substring(end.indexOf("#3 DONE"));
            assertThat(after).doesNotContain("  tick-").doesNotContainPattern("(?m)^\\[\\+\\] \\d+\\.\\ds ");
            assertThat(end.substring(0, end.indexOf("#2 DONE")))
                    .as("before the resize every frame was erased")
                    .doesNotContainPattern("(?m)^\\[\\+\\] \\d+\\.\\ds ");
        }
    }

    private String await(Predicate<String> ready, String what) throws Exception {
        String screen = "";
        for (int i = 0; i < 600; i++) {
            screen = capture();
            if (ready.test(screen)) {
                return screen;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the screen never showed " + what + ":\n" + screen);
    }

    private String capture() throws Exception {
        return tmux("capture-pane", "-p", "-J", "-S", "-200", "-t", "b");
    }

    private static List<String> lines(String screen) {
        return new ArrayList<>(Arrays.asList(screen.split("\n")));
    }

    private String tmux(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("tmux", "-L", socket));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out;
    }
}
