package dev.strata.dockerfile;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;

/** Golden tests: one per instruction of the Dockerfile reference, parsed and expanded. */
class InstructionTest {

    static Instruction first(String line) {
        return Dockerfile.parse("FROM base\n" + line + "\n", "Dockerfile")
                .stages()
                .get(0)
                .instructions()
                .get(0);
    }

    static Instruction expanded(String line, Map<String, String> vars) {
        return first(line).expand(new Expander('\\', vars));
    }

    @Test
    void from() {
        Dockerfile df = Dockerfile.parse("FROM --platform=$BUILDPLATFORM golang:1.22-alpine AS Build\n", "Dockerfile");
        FromInstruction f = df.stages().get(0).from();
        assertThat(f.image()).isEqualTo("golang:1.22-alpine");
        assertThat(f.platform()).contains("$BUILDPLATFORM");
        assertThat(f.stageName()).contains("build");
        assertThat(f.expand(new Expander('\\', Map.of("BUILDPLATFORM", "linux/arm64")))
                        .platform())
                .contains("linux/arm64");
        assertThat(Dockerfile.parse("from scratch\n", "D")
                        .stages()
                        .get(0)
                        .from()
                        .stageName())
                .isEmpty();
    }

    @Test
    void runShellExecMountsNetworkSecurity() {
        RunInstruction r = (RunInstruction)
                first(
                        "RUN --mount=type=cache,target=/root/.cache,sharing=locked,id=pip "
                                + "--mount=type=secret,id=npmrc,dst=/root/.npmrc,required --mount=type=bind,from=build,source=/out,target=/in,rw "
                                + "--mount=type=tmpfs,target=/tmp,size=64m --mount=type=ssh --network=none --security=insecure pip install -r r.txt");
        assertThat(r.command()).isEqualTo(new ShellForm("pip install -r r.txt"));
        assertThat(r.mounts()).hasSize(5);
        Mount cache = r.mounts().get(0);
        assertThat(cache.type()).isEqualTo(MountType.CACHE);
        assertThat(cache.target()).contains("/root/.cache");
        assertThat(cache.sharing()).isEqualTo("locked");
        assertThat(cache.readOnly()).isFalse();
        assertThat(cache.mode()).isEqualTo(0755);
        Mount secret = r.mounts().get(1);
        assertThat(secret.target()).contains("/root/.npmrc");
        assertThat(secret.required()).isTrue();
        assertThat(secret.mode()).isEqualTo(0400);
        Mount bind = r.mounts().get(2);
        assertThat(bind.from()).contains("build");
        assertThat(bind.readOnly()).isFalse();
        assertThat(r.mounts().get(3).size()).contains(64L * 1024 * 1024);
        assertThat(r.mounts().get(4).type()).isEqualTo(MountType.SSH);
        assertThat(r.mounts().get(4).mode()).isEqualTo(0600);
        assertThat(r.network()).contains("none");
        assertThat(r.security()).contains("insecure");
        RunInstruction exec = (RunInstruction) first("RUN [\"/bin/bash\", \"-c\", \"echo $HOME\"]");
        assertThat(exec.command()).isEqualTo(new ExecForm(List.of("/bin/bash", "-c", "echo $HOME")));
        // Not JSON: shell form, as docker does.
        assertThat(((RunInstruction) first("RUN [ -f /x ] && echo y")).command())
                .isEqualTo(new ShellForm("[ -f /x ] && echo y"));
    }

    @Test
    void runKeepsShellTextButExpandsMountOptions() {
        RunInstruction r =
                (RunInstruction) expanded("RUN --mount=type=cache,target=$CACHE echo $CACHE", Map.of("CACHE", "/c"));
        assertThat(r.command()).isEqualTo(new ShellForm("echo $CACHE"));
        assertThat(r.mounts().get(0).target()).contains("/c");
    }

    @Test
    void cmdEntrypointShell() {
        assertThat(((CmdInstruction) first("CMD [\"python\", \"app.py\"]")).command())
                .isEqualTo(new ExecForm(List.of("python", "app.py")));
        assertThat(((CmdInstruction) first("CMD echo $HOME")).command()).isEqualTo(new ShellForm("echo $HOME"));
        assertThat(((EntrypointInstruction) first("ENTRYPOINT [\"/tini\", \"--\"]")).command())
                .isEqualTo(new ExecForm(List.of("/tini", "--")));
        assertThat(((CmdInstruction) first("CMD []")).command()).isEqualTo(new ExecForm(List.of()));
        assertThat(((ShellInstruction) first("SHELL [\"powershell\", \"-Command\"]")).shell())
                .containsExactly("powershell", "-Command");
        assertThat(new ShellForm("echo hi").toArgs(List.of("/bin/sh", "-c")))
                .containsExactly("/bin/sh", "-c", "echo hi");
    }

    @Test
    void labelAndEnv() {
        LabelInstruction l = (LabelInstruction) expanded(
                "LABEL version=\"1.0\" \"com.example.vendor\"=\"ACME Inc\" desc='a $V' multi=\"l1 \\\n l2\"",
                Map.of("V", "x"));
        assertThat(l.labels())
                .containsExactly(
                        new KeyValue("version", "1.0"),
                        new KeyValue("com.example.vendor", "ACME Inc"),
                        new KeyValue("desc", "a $V"),
                        new KeyValue("multi", "l1  l2"));
        EnvInstruction e =
                (EnvInstruction) expanded("ENV A=1 B=\"two words\" C=$A D=${HOME:-/root}", Map.of("A", "old"));
        assertThat(e.variables())
                .containsExactly(
                        new KeyValue("A", "1"),
                        new KeyValue("B", "two words"),
                        new KeyValue("C", "old"),
                        new KeyValue("D", "/root"));
        EnvInstruction legacy = (EnvInstruction) expanded("ENV MY_NAME John Doe", Map.of());
        assertThat(legacy.legacyForm()).isTrue();
        assertThat(legacy.variables()).containsExactly(new KeyValue("MY_NAME", "John Doe"));
    }

    @Test
    void expose() {
        ExposeInstruction x =
                (ExposeInstruction) expanded("EXPOSE 80 443/tcp 53/udp 8000-8010 $P", Map.of("P", "9000 9001/sctp"));
        assertThat(x.ports()).containsExactly("80", "443/tcp", "53/udp", "8000-8010", "9000", "9001/sctp");
    }

    @Test
    void copyAndAdd() {
        CopyInstruction c = (CopyInstruction) expanded(
                "COPY --from=$B --chown=app:app --chmod=0644 --link --parents "
                        + "--exclude=*.md --exclude=tmp src/ \"$D/\" ${DEST}",
                Map.of("B", "build", "D", "docs", "DEST", "/app/"));
        assertThat(c.sources()).containsExactly("src/", "docs/");
        assertThat(c.destination()).isEqualTo("/app/");
        assertThat(c.from()).contains("build");
        assertThat(c.chown()).contains("app:app");
        assertThat(c.chmod()).contains("0644");
        assertThat(c.link()).isTrue();
        assertThat(c.parents()).isTrue();
        assertThat(c.excludes()).containsExactly("*.md", "tmp");
        CopyInstruction json = (CopyInstruction) first("COPY [\"my file.txt\", \"/dst dir/\"]");
        assertThat(json.sources()).containsExactly("my file.txt");
        assertThat(json.destination()).isEqualTo("/dst dir/");
        AddInstruction a = (AddInstruction) first("ADD --checksum=sha256:" + "a".repeat(64)
                + " --keep-git-dir=true --link=false https://example.com/x.tgz git@github.com:o/r.git /x/");
        assertThat(a.sources()).containsExactly("https://example.com/x.tgz", "git@github.com:o/r.git");
        assertThat(a.checksum()).contains("sha256:" + "a".repeat(64));
        assertThat(a.keepGitDir()).isTrue();
        assertThat(a.link()).isFalse();
    }

    @Test
    void volumeUserWorkdirStopsignalMaintainer() {
        assertThat(((VolumeInstruction) first("VOLUME [\"/data\", \"/logs\"]")).paths())
                .containsExactly("/data", "/logs");
        assertThat(((VolumeInstruction) expanded("VOLUME /data $L", Map.of("L", "/l"))).paths())
                .containsExactly("/data", "/l");
        assertThat(((UserInstruction) expanded("USER ${U:-app}:grp", Map.of())).user())
                .isEqualTo("app:grp");
        assertThat(((WorkdirInstruction) expanded("WORKDIR \"$HOME/my dir\"", Map.of("HOME", "/root"))).path())
                .isEqualTo("/root/my dir");
        assertThat(((StopSignalInstruction) expanded("STOPSIGNAL $S", Map.of("S", "SIGQUIT"))).signal())
                .isEqualTo("SIGQUIT");
        assertThat(((MaintainerInstruction) first("MAINTAINER Jane <j@example.com>")).maintainer())
                .isEqualTo("Jane <j@example.com>");
    }

    @Test
    void arg() {
        ArgInstruction a = (ArgInstruction) first("ARG A B=2 C=\"x y\"");
        assertThat(a.args())
                .containsExactly(
                        new ArgDecl("A", Optional.empty()),
                        new ArgDecl("B", Optional.of("2")),
                        new ArgDecl("C", Optional.of("\"x y\"")));
        assertThat(((ArgInstruction) a.expand(new Expander('\\', Map.of())))
                        .args()
                        .get(2)
                        .defaultValue())
                .contains("x y");
    }

    @Test
    void onbuild() {
        OnbuildInstruction o = (OnbuildInstruction) first("ONBUILD COPY --chown=1:1 . /app/src");
        assertThat(o.triggerText()).isEqualTo("COPY --chown=1:1 . /app/src");
        CopyInstruction c = (CopyInstruction) o.trigger();
        assertThat(c.chown()).contains("1:1");
        assertThat(c.node().flags().get(0).position()).isEqualTo(new Position("Dockerfile", 2, 14));
        assertThat(((OnbuildInstruction) first("onbuild run make")).trigger()).isInstanceOf(RunInstruction.class);
    }

    @Test
    void healthcheck() {
        HealthcheckInstruction h =
                (HealthcheckInstruction) first("HEALTHCHECK --interval=5m --timeout=3s --start-period=1m30s "
                        + "--start-interval=500ms --retries=3 CMD curl -f http://localhost/ || exit 1");
        assertThat(h.command()).contains(new ShellForm("curl -f http://localhost/ || exit 1"));
        assertThat(h.interval()).contains(Duration.ofMinutes(5));
        assertThat(h.timeout()).contains(Duration.ofSeconds(3));
        assertThat(h.startPeriod()).contains(Duration.ofSeconds(90));
        assertThat(h.startInterval()).contains(Duration.ofMillis(500));
        assertThat(h.retries()).contains(3);
        assertThat(((HealthcheckInstruction) first("HEALTHCHECK NONE")).disabled())
                .isTrue();
        assertThat(((HealthcheckInstruction) first("HEALTHCHECK CMD [\"/bin/check\"]")).command())
                .contains(new ExecForm(List.of("/bin/check")));
    }

    @Test
    void renderedText() {
        assertThat(InstructionText.render(expanded("COPY --from=b --link a \"b c\" /d/", Map.of())))
                .isEqualTo("COPY --from=b --link a \"b c\" /d/");
        assertThat(InstructionText.render(first("HEALTHCHECK --interval=90s CMD [\"x\"]")))
                .isEqualTo("HEALTHCHECK --interval=90s CMD [\"x\"]");
        assertThat(InstructionText.render(expanded("ENV A=\"x y\"", Map.of()))).isEqualTo("ENV A=\"x y\"");
    }

    @Test
    void baseImageTriggers() {
        List<Instruction> t = Dockerfile.parseTriggers(
                List.of("COPY . /app/src", "RUN --mount=type=cache,target=/c make", "ENV A=$B"), "base ONBUILD", '\\');
        assertThat(t).hasSize(3);
        assertThat(((CopyInstruction) t.get(0)).destination()).isEqualTo("/app/src");
        assertThat(t.get(1).node().position()).isEqualTo(new Position("base ONBUILD", 2, 1));
        assertThat(((EnvInstruction) t.get(2).expand(new Expander('\\', Map.of("B", "x")))).variables())
                .containsExactly(new KeyValue("A", "x"));
        Assertions.assertThatThrownBy(() -> Dockerfile.parseTriggers(List.of("RUN x", "FROM y"), "base ONBUILD", '\\'))
                .hasMessage("base ONBUILD:2:1: FROM is not allowed as an ONBUILD trigger");
        Assertions.assertThatThrownBy(() -> Dockerfile.parseTriggers(List.of("COPY --nope a b"), "base ONBUILD", '\\'))
                .hasMessageStartingWith("base ONBUILD:1:6: unknown flag --nope");
    }
}
