package dev.strata.dockerfile;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.error.StrataException;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every malformed Dockerfile gets one exact message with file:line:col. */
class NegativeTest {

    static Stream<Arguments> parseErrors() {
        return Stream.of(
                Arguments.of("", "Dockerfile:1:1: the Dockerfile has no instructions: it needs at least a FROM line"),
                Arguments.of(
                        "# only a comment\n\n",
                        "Dockerfile:1:1: the Dockerfile has no instructions: it needs at least a FROM line"),
                Arguments.of(
                        "ARG A\n", "Dockerfile:1:1: the Dockerfile has no FROM: add FROM image to start a build stage"),
                Arguments.of(
                        "RUN x\nFROM a\n",
                        "Dockerfile:1:1: RUN comes before the first FROM: only ARG may (start a stage with FROM image)"),
                Arguments.of("FROM a\nFOO bar\n", "Dockerfile:2:1: unknown instruction: FOO"),
                Arguments.of(
                        "FROM a\nA=1\n",
                        "Dockerfile:2:1: unknown instruction: A=1 (a variable assignment must follow ENV or ARG)"),
                Arguments.of(
                        "# escape=x\nFROM a\n",
                        "Dockerfile:1:1: invalid escape token 'x': use a backslash (\\) or a backtick (`)"),
                Arguments.of(
                        "# escape=`\n# escape=\\\nFROM a\n",
                        "Dockerfile:2:1: only one escape parser directive can be used"),
                Arguments.of(
                        "FROM\n",
                        "Dockerfile:1:1: FROM needs an image and optionally a stage name: FROM [--platform=P] image [AS name]"),
                Arguments.of(
                        "FROM a b\n",
                        "Dockerfile:1:6: FROM needs an image and optionally a stage name: FROM [--platform=P] image [AS name]"),
                Arguments.of(
                        "FROM a AS 1x\n",
                        "Dockerfile:1:11: invalid stage name \"1x\": start with a letter and use only letters, digits, '-', '_' and '.'"),
                Arguments.of("FROM --plat=x a\n", "Dockerfile:1:6: unknown flag --plat (FROM takes --platform)"),
                Arguments.of(
                        "FROM a\nRUN --mount=type=bogus x\n",
                        "Dockerfile:2:5: unsupported mount type \"bogus\": use bind, cache, tmpfs, secret or ssh"),
                Arguments.of(
                        "FROM a\nRUN --mount=type=cache x\n",
                        "Dockerfile:2:5: --mount type=cache needs a target (target=/path)"),
                Arguments.of(
                        "FROM a\nRUN --mount=type=tmpfs,target=/t,id=x y\n",
                        "Dockerfile:2:5: unexpected key 'id' in --mount of type tmpfs (it takes size, target)"),
                Arguments.of(
                        "FROM a\nRUN --mount=type=cache,target=/c,sharing=all y\n",
                        "Dockerfile:2:5: --mount sharing must be shared, private or locked, not \"all\""),
                Arguments.of(
                        "FROM a\nRUN --mount=type=secret,id=a,mode=999 y\n",
                        "Dockerfile:2:5: --mount mode must be octal (like 0755), not \"999\""),
                Arguments.of(
                        "FROM a\nRUN --mount=type=cache,target=/c,uid=me y\n",
                        "Dockerfile:2:5: --mount uid must be a number, not \"me\""),
                Arguments.of(
                        "FROM a\nRUN --mount=type=tmpfs,target=/t,size=lots y\n",
                        "Dockerfile:2:5: --mount size must be bytes with an optional unit (64m, 1g), not \"lots\""),
                Arguments.of(
                        "FROM a\nRUN --network=bridge x\n",
                        "Dockerfile:2:5: --network must be default, none or host, not \"bridge\""),
                Arguments.of(
                        "FROM a\nRUN --security=root x\n",
                        "Dockerfile:2:5: --security must be sandbox or insecure, not \"root\""),
                Arguments.of("FROM a\nRUN\n", "Dockerfile:2:1: RUN needs a command"),
                Arguments.of(
                        "FROM a\nRUN <<EOF\necho\n",
                        "Dockerfile:2:5: unterminated heredoc <<EOF: no line \"EOF\" ends it before the end of the file"),
                Arguments.of(
                        "FROM a\nCMD [\"a\", 1]\n",
                        "Dockerfile:2:5: CMD exec form needs a JSON array of strings; 1 is not a string (quote it)"),
                Arguments.of(
                        "FROM a\nENTRYPOINT [\"a\", true]\n",
                        "Dockerfile:2:12: ENTRYPOINT exec form needs a JSON array of strings; true is not a string (quote it)"),
                Arguments.of(
                        "FROM a\nSHELL /bin/bash -c\n",
                        "Dockerfile:2:7: SHELL needs a JSON array of strings, like SHELL [\"/bin/sh\", \"-c\"]"),
                Arguments.of("FROM a\nCMD --x y\n", "Dockerfile:2:5: unknown flag --x (CMD takes no flags)"),
                Arguments.of("FROM a\nENV\n", "Dockerfile:2:1: ENV needs at least one name=value"),
                Arguments.of("FROM a\nENV A\n", "Dockerfile:2:5: ENV A has no value: write ENV A=value"),
                Arguments.of(
                        "FROM a\nENV A=1 B\n",
                        "Dockerfile:2:9: ENV expects name=value pairs; \"B\" has no '=' (quote values with spaces)"),
                Arguments.of("FROM a\nLABEL =x\n", "Dockerfile:2:7: LABEL names can not be blank"),
                Arguments.of(
                        "FROM a\nEXPOSE 80/xyz\n",
                        "Dockerfile:2:8: invalid protocol \"xyz\" in port 80/xyz: use tcp, udp or sctp"),
                Arguments.of(
                        "FROM a\nEXPOSE 8o\n",
                        "Dockerfile:2:8: invalid port \"8o\": use a number or a range with an optional protocol, like 80/tcp or 8000-8010/udp"),
                Arguments.of("FROM a\nCOPY x\n", "Dockerfile:2:1: COPY needs at least one source and a destination"),
                Arguments.of(
                        "FROM a\nCOPY --from= x y\n",
                        "Dockerfile:2:6: --from needs a stage name, stage index or image"),
                Arguments.of("FROM a\nCOPY --from x y\n", "Dockerfile:2:6: flag --from needs a value (--from=...)"),
                Arguments.of(
                        "FROM a\nCOPY --chmod=abc x y\n",
                        "Dockerfile:2:6: --chmod must be an octal mode like 0755 or symbolic like u+x, not \"abc\""),
                Arguments.of(
                        "FROM a\nCOPY --link=maybe x y\n",
                        "Dockerfile:2:6: flag --link takes true or false, not \"maybe\""),
                Arguments.of(
                        "FROM a\nCOPY --keep-git-dir x y\n",
                        "Dockerfile:2:6: unknown flag --keep-git-dir (COPY takes --chmod, --chown, --exclude, --from, --link, --parents)"),
                Arguments.of(
                        "FROM a\nADD --checksum=md5:1 x y\n",
                        "Dockerfile:2:5: --checksum must be a digest like sha256:<64 hex digits>, not \"md5:1\""),
                Arguments.of(
                        "FROM a\nADD --from=b x y\n",
                        "Dockerfile:2:5: unknown flag --from (ADD takes --checksum, --chmod, --chown, --exclude, --keep-git-dir, --link)"),
                Arguments.of(
                        "FROM a\nCOPY --chown=1 --chown=2 x y\n",
                        "Dockerfile:2:16: flag --chown is given more than once"),
                Arguments.of("FROM a\nVOLUME [\"\"]\n", "Dockerfile:2:8: VOLUME needs one or more non-empty paths"),
                Arguments.of("FROM a\nUSER\n", "Dockerfile:2:1: USER needs a user (USER name[:group])"),
                Arguments.of("FROM a\nWORKDIR\n", "Dockerfile:2:1: WORKDIR needs a path"),
                Arguments.of("FROM a\nARG\n", "Dockerfile:2:1: ARG needs a name: ARG NAME[=default]"),
                Arguments.of("FROM a\nARG =x\n", "Dockerfile:2:5: invalid ARG name \"\": use letters, digits and '_'"),
                Arguments.of("FROM a\nONBUILD\n", "Dockerfile:2:1: ONBUILD needs an instruction to run later"),
                Arguments.of("FROM a\nONBUILD ONBUILD RUN x\n", "Dockerfile:2:9: ONBUILD ONBUILD is not allowed"),
                Arguments.of("FROM a\nONBUILD FROM b\n", "Dockerfile:2:9: FROM is not allowed as an ONBUILD trigger"),
                Arguments.of(
                        "FROM a\nONBUILD MAINTAINER me\n",
                        "Dockerfile:2:9: MAINTAINER is not allowed as an ONBUILD trigger"),
                Arguments.of("FROM a\nONBUILD BOGUS x\n", "Dockerfile:2:9: unknown instruction: BOGUS"),
                Arguments.of(
                        "FROM a\nONBUILD COPY --bad=1 x y\n",
                        "Dockerfile:2:14: unknown flag --bad (COPY takes --chmod, --chown, --exclude, --from, --link, --parents)"),
                Arguments.of(
                        "FROM a\nSTOPSIGNAL sig term\n",
                        "Dockerfile:2:12: invalid signal \"sig term\": use a name like SIGTERM or a number"),
                Arguments.of("FROM a\nHEALTHCHECK\n", "Dockerfile:2:1: HEALTHCHECK needs CMD command or NONE"),
                Arguments.of("FROM a\nHEALTHCHECK curl x\n", "Dockerfile:2:13: HEALTHCHECK needs CMD command or NONE"),
                Arguments.of(
                        "FROM a\nHEALTHCHECK --retries=2 NONE\n", "Dockerfile:2:13: HEALTHCHECK NONE takes no flags"),
                Arguments.of(
                        "FROM a\nHEALTHCHECK --interval=5 CMD x\n",
                        "Dockerfile:2:13: --interval must be a duration like 30s, 1m30s or 500ms, not \"5\""),
                Arguments.of(
                        "FROM a\nHEALTHCHECK --timeout=10ns CMD x\n",
                        "Dockerfile:2:13: --timeout cannot be less than 1ms"),
                Arguments.of(
                        "FROM a\nHEALTHCHECK --retries=-1 CMD x\n",
                        "Dockerfile:2:13: --retries must be a whole number 0 or more, not \"-1\""),
                Arguments.of("FROM a\nHEALTHCHECK CMD\n", "Dockerfile:2:13: HEALTHCHECK CMD needs a command"),
                Arguments.of("FROM a\nMAINTAINER\n", "Dockerfile:2:1: MAINTAINER needs a name"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("parseErrors")
    void parseError(String text, String message) {
        assertThatThrownBy(() -> Dockerfile.parse(text, "Dockerfile"))
                .isInstanceOf(DockerfileException.class)
                .hasMessage(message);
    }

    static Stream<Arguments> resolveErrors() {
        return Stream.of(
                Arguments.of(
                        "ARG IMG\nFROM $IMG\n",
                        "Dockerfile:2:6: base name ($IMG) should not be blank: give the ARG a value (--build-arg or a default)"),
                Arguments.of(
                        "FROM a\nCOPY --from=1 x y\n",
                        "Dockerfile:2:6: --from=1 refers to no stage: a stage index must name an earlier stage (0 to -1)"),
                Arguments.of(
                        "FROM a\nFROM b\nCOPY --from=1 x y\n",
                        "Dockerfile:3:6: --from=1 refers to the stage it is in: a stage index must name an earlier stage (0 to 0)"),
                Arguments.of(
                        "FROM a\nCOPY --from=2 x y\nFROM b\nFROM c\n",
                        "Dockerfile:2:6: --from=2 refers to a later stage: a stage index must name an earlier stage (0 to -1)"),
                Arguments.of(
                        "FROM a AS one\nCOPY --from=one x y\n",
                        "Dockerfile:2:6: --from=one refers to the stage it is in (circular dependency)"),
                Arguments.of(
                        "FROM a AS one\nCOPY --from=two x y\nFROM b AS two\nCOPY --from=one x y\n",
                        "Dockerfile:2:6: circular dependency between stages: two -> one -> two"),
                Arguments.of(
                        "FROM a AS one\nRUN --mount=type=bind,from=two,target=/t x\nFROM b AS two\nCOPY --from=one x y\n",
                        "Dockerfile:2:5: circular dependency between stages: two -> one -> two"),
                Arguments.of(
                        "FROM a\nARG V\nWORKDIR ${V:?pass --build-arg V}\n",
                        "Dockerfile:3:9: V: pass --build-arg V in \"${V:?pass --build-arg V}\""),
                Arguments.of(
                        "FROM a\nENV X=\"abc\n",
                        "Dockerfile:2:7: unexpected end of statement while looking for matching double-quote in \"\"abc\""),
                Arguments.of(
                        "FROM a\nARG U\nRUN --mount=type=cache,target=/c,uid=$U x\n",
                        "Dockerfile:3:5: --mount uid must be a number, not \"\""));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("resolveErrors")
    void resolveError(String text, String message) {
        assertThatThrownBy(() -> Dockerfile.parse(text, "Dockerfile").resolve(BuildOptions.defaults()))
                .isInstanceOf(DockerfileException.class)
                .hasMessage(message);
    }

    @Test
    void unknownTarget() {
        assertThatThrownBy(() -> Dockerfile.parse("FROM a AS x\nFROM b AS y\n", "Dockerfile")
                        .resolve(BuildOptions.of(Map.of(), Optional.of("z"))))
                .isInstanceOf(StrataException.class)
                .hasMessage("target stage \"z\" is not in Dockerfile (named stages: x, y)");
    }
}
