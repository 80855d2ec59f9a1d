package dev.strata.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.dockerfile.BuildOptions;
import dev.strata.dockerfile.BuildPlan;
import dev.strata.dockerfile.Dockerfile;
import dev.strata.dockerfile.ExpandedStep;
import dev.strata.dockerfile.Instruction;
import dev.strata.dockerfile.ResolvedStage;
import dev.strata.dockerfile.StageScope;
import dev.strata.dockerfile.WorkdirInstruction;
import dev.strata.oci.ConfigEditor;
import dev.strata.oci.ContainerConfig;
import dev.strata.oci.Healthcheck;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Config instructions change the image config as docker does. */
class ConfigStepsTest {

    /** Applies every config-only instruction of the last stage onto {@code base}. */
    static ContainerConfig apply(String dockerfile, ContainerConfig base) {
        BuildPlan plan = Dockerfile.parse(dockerfile, "Dockerfile").resolve(BuildOptions.defaults());
        ResolvedStage rs = plan.target();
        StageScope scope = plan.scope(rs, ConfigEditor.envMap(base));
        ConfigEditor e = new ConfigEditor(base);
        StageFlags flags = new StageFlags();
        for (Instruction ins : rs.stage().instructions()) {
            ExpandedStep step = scope.expand(ins);
            if (step.expanded() instanceof WorkdirInstruction) {
                e.workingDir = ConfigSteps.workdir(e.workingDir, ((WorkdirInstruction) step.expanded()).path());
            } else {
                ConfigSteps.apply(step.expanded(), e, flags, scope.shell());
            }
            scope = step.next();
        }
        return e.build();
    }

    static ContainerConfig apply(String dockerfile) {
        return apply(dockerfile, ContainerConfig.empty());
    }

    @Test
    void envReplacesInPlaceAndAppendsNewNames() {
        ConfigEditor b = new ConfigEditor(ContainerConfig.empty());
        b.env.add("PATH=/usr/bin");
        b.env.add("LANG=C");
        ContainerConfig base = b.build();
        ContainerConfig c = apply("FROM scratch\nENV PATH=/opt/bin:$PATH A=1\nENV B=\"two words\" C=$A\n", base);
        assertThat(c.env()).containsExactly("PATH=/opt/bin:/usr/bin", "LANG=C", "A=1", "B=two words", "C=1");
    }

    @Test
    void entrypointResetsAnInheritedCmdButKeepsOneSetInTheStage() {
        ConfigEditor b = new ConfigEditor(ContainerConfig.empty());
        b.cmd = Optional.of(List.of("python3"));
        ContainerConfig base = b.build();
        ContainerConfig reset = apply("FROM scratch\nENTRYPOINT [\"/init\"]\n", base);
        assertThat(reset.entrypoint()).contains(List.of("/init"));
        assertThat(reset.cmd()).isEmpty();
        ContainerConfig kept = apply("FROM scratch\nCMD [\"serve\"]\nENTRYPOINT [\"/init\"]\n", base);
        assertThat(kept.cmd()).contains(List.of("serve"));
        ContainerConfig after = apply("FROM scratch\nENTRYPOINT [\"/init\"]\nCMD [\"x\"]\n", base);
        assertThat(after.cmd()).contains(List.of("x"));
    }

    @Test
    void shellFormUsesTheCurrentShell() {
        ContainerConfig c = apply("FROM scratch\nCMD echo hi\nSHELL [\"/bin/bash\", \"-ec\"]\nENTRYPOINT exec app\n");
        assertThat(c.cmd()).contains(List.of("/bin/sh", "-c", "echo hi"));
        assertThat(c.entrypoint()).contains(List.of("/bin/bash", "-ec", "exec app"));
    }

    @Test
    void shellChangesConfigAndLaterShellForms() {
        ContainerConfig c = apply("FROM scratch\nSHELL [\"/bin/bash\", \"-ec\"]\nCMD echo hi\n");
        assertThat(c.shell()).containsExactly("/bin/bash", "-ec");
        assertThat(c.cmd()).contains(List.of("/bin/bash", "-ec", "echo hi"));
    }

    @Test
    void workdirIsRelativeToThePreviousAndCleaned() {
        ContainerConfig c = apply("FROM scratch\nWORKDIR /usr\nWORKDIR src/./app/\nWORKDIR ../lib\n");
        assertThat(c.workingDir()).isEqualTo("/usr/src/lib");
    }

    @Test
    void exposeLabelsVolumesUserStopsignal() {
        ContainerConfig c = apply("FROM scratch\nARG P=8080\nEXPOSE 80 $P/UDP 9000-9002\nLABEL a=1 \"b c\"=\"d e\"\n"
                + "VOLUME [\"/data\", \"/logs\"]\nVOLUME /cache\nUSER app:staff\nSTOPSIGNAL SIGINT\n");
        assertThat(c.exposedPorts()).containsExactly("80/tcp", "8080/udp", "9000/tcp", "9001/tcp", "9002/tcp");
        assertThat(c.labels()).isEqualTo(Map.of("a", "1", "b c", "d e"));
        assertThat(c.volumes()).containsExactly("/cache", "/data", "/logs");
        assertThat(c.user()).isEqualTo("app:staff");
        assertThat(c.stopSignal()).isEqualTo("SIGINT");
    }

    @Test
    void healthcheckForms() {
        ContainerConfig c = apply("FROM scratch\nHEALTHCHECK --interval=30s --retries=3 CMD curl -f http://x/\n");
        assertThat(c.healthcheck())
                .contains(new Healthcheck(List.of("CMD-SHELL", "curl -f http://x/"), 30_000_000_000L, 0, 0, 0, 3));
        ContainerConfig exec = apply("FROM scratch\nHEALTHCHECK CMD [\"/bin/check\", \"-q\"]\n");
        assertThat(exec.healthcheck().orElseThrow().test()).containsExactly("CMD", "/bin/check", "-q");
        ContainerConfig none = apply("FROM scratch\nHEALTHCHECK NONE\n");
        assertThat(none.healthcheck().orElseThrow().test()).containsExactly("NONE");
    }

    @Test
    void onbuildIsRecordedAsWritten() {
        ContainerConfig c = apply("FROM scratch\nONBUILD RUN echo hi\nONBUILD COPY . /app\n");
        assertThat(c.onBuild()).containsExactly("RUN echo hi", "COPY . /app");
    }

    @Test
    void portsExpandRangesAndLowerCaseProtocols() {
        assertThat(ConfigSteps.ports("53/UDP")).containsExactly("53/udp");
        assertThat(ConfigSteps.ports("1-2")).containsExactly("1/tcp", "2/tcp");
    }
}
