package dev.strata.dockerfile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Parser results docker (BuildKit) gives and strata once did not (issue 13): special shell
 * parameters in Dockerfile words, and the cause named in a quoting error.
 */
class ParityParserTest {

    /** The value {@code ENV X=<word>} gives X in the Dockerfile as parsed and expanded. */
    static String envValue(String word) {
        List<ExpandedStep> steps =
                ScopeTest.walk("FROM x\nENV V=value\nENV X=" + word + "\n", ScopeTest.args(Map.of()), Map.of());
        return ((EnvInstruction) steps.get(1).expanded()).variables().get(0).value();
    }

    @ParameterizedTest(name = "{0} -> [{1}]")
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '~',
            value = {
                // positional parameters: every digit belongs to the name ($999 is one parameter)
                "$999aaa|aaa",
                "he$1x|hex",
                "$0x|x",
                "${1}x|x",
                "${12}|~~",
                // special parameters
                "$@aaa|aaa",
                "$*aaa|aaa",
                "$#aaa|aaa",
                "$?aaa|aaa",
                "$$aaa|aaa",
                "$!aaa|aaa",
                "$-aaa|aaa",
                "${@}|~~",
                "${*}x|x",
                "${#}|~~",
                "${?}|~~",
                "${$}|~~",
                "${!}|~~",
                "${-}|~~",
                // their modifier forms behave as for an unset variable
                "${@:-def}|def",
                "${#:-def}|def",
                "${1:-def}|def",
                "${@-def}|def",
                "${@:+alt}|~~",
                "${9:+alt}|~~",
                "${$:-$V}|value",
                // next to ordinary names, and what stays literal
                "$V$@|value",
                "'$@'|$@",
                "\\$@|$@",
                "\"$@x\"|x",
                "$.x|$.x",
                "a$|a$",
            })
    void specialParametersExpandToEmptyAsInBuildKit(String word, String expected) {
        assertThat(envValue(word)).isEqualTo(expected);
    }

    @Test
    void aLengthLikeFormIsStillAnError() {
        assertThatThrownBy(() -> envValue("${#V}"))
                .isInstanceOf(DockerfileException.class)
                .hasMessageContaining("unsupported modifier");
    }

    @Test
    void anUnterminatedQuoteIsNamedWithFileAndLine() {
        // the words are \conf, an escaped backslash and a double quote that is never closed
        assertThatThrownBy(() -> Dockerfile.parse("FROM x\nADD \\conf\\\\\" /.znc\n", "Dockerfile"))
                .isInstanceOf(DockerfileException.class)
                .hasMessageContaining("Dockerfile:2")
                .hasMessageContaining("unterminated double quote")
                .hasMessageNotContaining("needs at least one source");
        assertThatThrownBy(() -> Dockerfile.parse("FROM x\nCOPY 'a /b\n", "Dockerfile"))
                .isInstanceOf(DockerfileException.class)
                .hasMessageContaining("Dockerfile:2")
                .hasMessageContaining("unterminated single quote");
        // a closed quote is fine, and so is a quote inside the other kind
        assertThat(Dockerfile.parse("FROM x\nCOPY \"a'b\" /b\n", "Dockerfile").stages())
                .hasSize(1);
    }

    /** The SyntaxFrontend warnings of a Dockerfile starting with {@code # syntax=value}. */
    static List<String> syntaxWarnings(String value) {
        return Dockerfile.parse("# syntax=" + value + "\nFROM x\n", "Dockerfile").warnings().stream()
                .filter(w -> w.rule().equals("SyntaxFrontend"))
                .map(Warning::toString)
                .toList();
    }

    @Test
    void syntaxLinesAreAcceptedAndOtherFrontendsWarned() {
        for (String ok : List.of(
                "docker/dockerfile:1",
                "docker/dockerfile:1.7",
                "docker.io/docker/dockerfile:1.4.3",
                "docker/dockerfile:1.0-experimental",
                "docker/dockerfile",
                "docker/dockerfile:1@sha256:ac85f380a63b13dfcefa89046420e1781752bab202122f8f50032edf31be0021")) {
            assertThat(syntaxWarnings(ok)).as(ok).isEmpty();
            assertThat(Dockerfile.parse("# syntax=" + ok + "\nFROM x\n", "Dockerfile")
                            .directives()
                            .syntax())
                    .contains(ok);
        }
        assertThat(syntaxWarnings("docker/dockerfile:1-labs"))
                .singleElement()
                .asString()
                .startsWith("Dockerfile:1:1: warning: SyntaxFrontend: syntax docker/dockerfile:1-labs")
                .contains("--parents");
        assertThat(syntaxWarnings("docker/dockerfile-upstream:master")).hasSize(1);
        assertThat(syntaxWarnings("docker/dockerfile:2"))
                .singleElement()
                .asString()
                .contains("not this version");
        assertThat(syntaxWarnings("registry.example/acme/frontend:3"))
                .singleElement()
                .asString()
                .contains("registry.example/acme/frontend:3")
                .contains("does not run frontend images");
        // a check=skip of the rule silences it, like any other warning
        assertThat(Dockerfile.parse("# syntax=acme/f\n# check=skip=SyntaxFrontend\nFROM x\n", "Dockerfile")
                        .warnings())
                .isEmpty();
    }
}
