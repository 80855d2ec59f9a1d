package dev.strata.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every flag of docker build / buildx build that strata does not support: exit 2 before any work,
 * naming the flag and what to use; those asking for what strata always does are accepted.
 */
class DockerOnlyFlagsTest {
    @TempDir
    Path dir;

    private record Result(int code, String err) {}

    private Result build(String... flags) throws Exception {
        Path ctx = dir.resolve("ctx");
        Files.createDirectories(ctx);
        Files.writeString(ctx.resolve("Dockerfile"), "FROM scratch\nENV A=1\n");
        List<String> args = new ArrayList<>(List.of("build"));
        args.addAll(List.of(flags));
        args.add(ctx.toString());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args.toArray(String[]::new), new PrintWriter(out), new PrintWriter(err));
        return new Result(code, err.toString());
    }

    @Test
    void everyUnsupportedDockerFlagExitsTwoNamingWhatToUse() throws Exception {
        String[][] cases = {
            {"--allow", "security.insecure"},
            {"--allow", "device"},
            {"--attest", "type=sbom"},
            {"--sbom"},
            {"--sbom=true"},
            {"--provenance=mode=max"},
            {"--builder", "ci"},
            {"--call=check"},
            {"--call=outline"},
            {"--call=targets"},
            {"--check"},
            {"-D"},
            {"--debug"},
            {"--detach"},
            {"--load"},
            {"--policy", "p.rego"},
            {"--squash"},
            {"--compress"},
            {"--stream"},
            {"--rm=false"},
            {"--disable-content-trust"},
            {"--security-opt", "seccomp=unconfined"},
            {"-m", "2g"},
            {"--memory", "2g"},
            {"--memory-swap", "3g"},
            {"-c", "512"},
            {"--cpu-shares", "512"},
            {"--cpu-period", "100000"},
            {"--cpu-quota", "50000"},
            {"--cpuset-cpus", "0-1"},
            {"--cpuset-mems", "0"},
            {"--isolation=hyperv"},
            {"--isolation=process"},
            {"--progress=rawjson"},
        };
        for (String[] flags : cases) {
            Result r = build(flags);
            assertThat(r.code()).as(String.join(" ", flags) + ": " + r.err()).isEqualTo(2);
            String flag = flags[0].contains("=") ? flags[0].substring(0, flags[0].indexOf('=')) : flags[0];
            if (!flag.startsWith("--")) {
                flag = r.err().contains("--debug") ? "--debug" : r.err().contains("--memory") ? "--memory" : "--cpu";
            }
            assertThat(r.err()).as(String.join(" ", flags)).contains(flag).containsPattern("not supported[^\n]*: \\S");
        }
    }

    @Test
    void flagsAskingForWhatStrataAlwaysDoesAreAccepted() throws Exception {
        Result r = build(
                "--provenance=false",
                "--sbom=false",
                "--attest",
                "type=provenance,disabled=true",
                "--rm",
                "--force-rm",
                "--allow",
                "network.host",
                "--call=build",
                "--isolation=default",
                "--progress=quiet",
                "--print=outline");
        assertThat(r.code()).as(r.err()).isZero();
    }
}
