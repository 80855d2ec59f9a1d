package dev.strata.dockerfile;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The warnings of docker build --check, with BuildKit's rule names. */
class LintTest {

    static List<String> warnings(String text) {
        return Dockerfile.parse(text, "Dockerfile").check(BuildOptions.defaults()).stream()
                .map(Warning::toString)
                .toList();
    }

    @Test
    void everyRule() {
        assertThat(warnings("""
                FROM alpine as Builder
                MAINTAINER me
                WORKDIR app
                ENV PATH /bin
                ARG DB_PASSWORD
                CMD echo one
                CMD echo two
                EXPOSE 80/TCP
                from alpine AS builder
                FROM scratch AS scratch
                """))
                .containsExactly(
                        "Dockerfile:1:13: warning: FromAsCasing: 'as' and 'FROM' keywords' casing do not match",
                        "Dockerfile:1:16: warning: StageNameCasing: Stage name 'Builder' should be lowercase",
                        "Dockerfile:2:1: warning: MaintainerDeprecated: Maintainer instruction is deprecated in favor of using label (LABEL org.opencontainers.image.authors=...)",
                        "Dockerfile:3:9: warning: WorkdirRelativePath: Relative workdir \"app\" can have unexpected results if the base image changes",
                        "Dockerfile:4:1: warning: LegacyKeyValueFormat: \"ENV key=value\" should be used instead of legacy \"ENV key value\" format",
                        "Dockerfile:5:1: warning: SecretsUsedInArgOrEnv: Do not use ARG or ENV instructions for sensitive data (ARG \"DB_PASSWORD\")",
                        "Dockerfile:6:1: warning: JSONArgsRecommended: JSON arguments recommended for CMD to prevent unintended behavior related to OS signals",
                        "Dockerfile:6:1: warning: MultipleInstructionsDisallowed: Multiple CMD instructions should not be used in the same stage because only the last one will be used",
                        "Dockerfile:7:1: warning: JSONArgsRecommended: JSON arguments recommended for CMD to prevent unintended behavior related to OS signals",
                        "Dockerfile:8:8: warning: ExposeProtoCasing: Defined protocol '80/TCP' in EXPOSE instruction should be lowercase",
                        "Dockerfile:9:1: warning: ConsistentInstructionCasing: Command 'from' should match the case of the command majority (uppercase)",
                        "Dockerfile:9:13: warning: FromAsCasing: 'AS' and 'from' keywords' casing do not match",
                        "Dockerfile:9:16: warning: DuplicateStageName: Duplicate stage name \"builder\", stage names should be unique",
                        "Dockerfile:10:17: warning: ReservedStageName: Stage name should not use the same name as reserved stage \"scratch\"");
    }

    @Test
    void platformFlagRules() {
        assertThat(
                        warnings(
                                "FROM --platform=linux/amd64 a\nFROM --platform=$TARGETPLATFORM b\nFROM --platform=$BUILDPLATFORM c\n"))
                .containsExactly(
                        "Dockerfile:1:6: warning: FromPlatformFlagConstDisallowed: FROM --platform flag should not use constant value \"linux/amd64\"",
                        "Dockerfile:2:6: warning: RedundantTargetPlatform: Setting platform to predefined $TARGETPLATFORM in FROM is redundant as this is the default behavior");
    }

    @Test
    void cleanFileHasNoWarnings() {
        assertThat(warnings("FROM alpine AS build\nWORKDIR /app\nENV A=1\nCMD [\"sh\"]\n"))
                .isEmpty();
        // A SHELL change makes shell-form CMD intentional.
        assertThat(warnings("FROM a\nSHELL [\"bash\", \"-c\"]\nCMD echo hi\n")).isEmpty();
        // A relative WORKDIR after an absolute one is fine.
        assertThat(warnings("FROM a\nWORKDIR /src\nWORKDIR sub\n")).isEmpty();
    }

    @Test
    void checkDirectiveSkipsRules() {
        assertThat(warnings("# check=skip=JSONArgsRecommended,MaintainerDeprecated\nFROM a\nMAINTAINER x\nCMD x\n"))
                .isEmpty();
        assertThat(warnings("# check=skip=all\nFROM a AS B\nCMD x\n")).isEmpty();
        assertThat(warnings("# check=skip=all\nARG X\nFROM a:$Y\n")).isEmpty();
    }
}
