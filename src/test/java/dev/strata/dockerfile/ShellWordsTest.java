package dev.strata.dockerfile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Golden cases for each expansion form of the Dockerfile reference ("Environment replacement"). */
class ShellWordsTest {
    private static final Map<String, String> ENV = Map.of(
            "V",
            "value",
            "EMPTY",
            "",
            "FILE",
            "archive.tar.gz",
            "PATHV",
            "/usr/local/bin",
            "SP",
            "a b",
            "foo",
            "/bar",
            "REPO",
            "docker.io/library/alpine");
    private static final Position AT = new Position("Dockerfile", 1, 1);
    private final ShellWords sw = new ShellWords('\\');

    @ParameterizedTest(name = "{0} -> [{1}]")
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '~',
            value = {
                // plain forms
                "$V|value",
                "${V}|value",
                "${V}_x|value_x",
                "$V_x|~~",
                "pre$V.post|prevalue.post",
                "$UNSET|~~",
                "${UNSET}|~~",
                "a$|a$",
                "$-x|x",
                "${foo}/x|/bar/x",
                // :- and -
                "${V:-w}|value",
                "${UNSET:-w}|w",
                "${EMPTY:-w}|w",
                "${UNSET-w}|w",
                "${EMPTY-w}|~~",
                "${UNSET:-$V}|value",
                "${UNSET:-${foo}/y}|/bar/y",
                // :+ and +
                "${V:+w}|w",
                "${UNSET:+w}|~~",
                "${EMPTY:+w}|~~",
                "${EMPTY+w}|w",
                "${UNSET+w}|~~",
                // :? and ? when set
                "${V:?must be set}|value",
                "${EMPTY?msg}|~~",
                // prefix and suffix removal
                "${FILE#*.}|tar.gz",
                "${FILE##*.}|gz",
                "${FILE%.*}|archive.tar",
                "${FILE%%.*}|archive",
                "${PATHV#/usr}|/local/bin",
                "${PATHV##*/}|bin",
                "${PATHV%/*}|/usr/local",
                "${FILE#x}|archive.tar.gz",
                "${REPO#*/}|library/alpine",
                "${FILE%.[a-z]z}|archive.tar",
                // replacement
                "${FILE/.tar/}|archive.gz",
                "${FILE/a/A}|Archive.tar.gz",
                "${FILE//a/A}|Archive.tAr.gz",
                "${PATHV//\\//_}|_usr_local_bin",
                "${FILE/?r/XX}|XXchive.tar.gz",
                "${FILE//[.]/-}|archive-tar-gz",
                "${UNSET/a/b}|~~",
                "${FILE#[z-a]}|archive.tar.gz",
                "${FILE/[/x}|archive.tar.gz",
                // quotes and escapes
                "'$V'|$V",
                "\"$V\"|value",
                "\"a b\"|a b",
                "'a b'|a b",
                "\\$V|$V",
                "\\${V}|${V}",
                "a\\ b|a b",
                "\"\\$V\"|$V",
                "\"a\\\"b\"|a\"b",
                "\"a\\nb\"|a\\nb",
                "'a\\b'|a\\b",
                "x\"$SP\"y|xa by",
                "$V'$V'\"$V\"|value$Vvalue",
                "trailing\\|trailing\\",
            })
    void expands(String word, String expected) {
        assertThat(sw.expand(word, ENV, AT)).isEqualTo(expected);
    }

    @Test
    void backtickEscape() {
        ShellWords bt = new ShellWords('`');
        assertThat(bt.expand("c:\\path\\$V", ENV, AT)).isEqualTo("c:\\path\\value");
        assertThat(bt.expand("`$V", ENV, AT)).isEqualTo("$V");
        assertThat(bt.expand("\"C:\\Program Files\"", ENV, AT)).isEqualTo("C:\\Program Files");
    }

    @Test
    void splitsUnquotedWhitespaceOnly() {
        assertThat(sw.expandWords("80 $SP \"$SP\" '' $EMPTY x$EMPTY", ENV, AT))
                .containsExactly("80", "a", "b", "a b", "", "x");
    }

    @Test
    void requiredVariables() {
        assertThatThrownBy(() -> sw.expand("${UNSET:?set it with --build-arg}", ENV, AT))
                .isInstanceOf(DockerfileException.class)
                .hasMessage("Dockerfile:1:1: UNSET: set it with --build-arg in \"${UNSET:?set it with --build-arg}\"");
        assertThatThrownBy(() -> sw.expand("${EMPTY:?}", ENV, AT))
                .hasMessage("Dockerfile:1:1: EMPTY: is not allowed to be empty in \"${EMPTY:?}\"");
        assertThatThrownBy(() -> sw.expand("${UNSET?}", ENV, AT))
                .hasMessage("Dockerfile:1:1: UNSET: is not allowed to be unset in \"${UNSET?}\"");
        // Not evaluated when not needed.
        assertThat(sw.expand("${V:-${UNSET:?x}}", ENV, AT)).isEqualTo("value");
    }

    @Test
    void malformedWords() {
        assertThatThrownBy(() -> sw.expand("${V", ENV, AT))
                .hasMessage("Dockerfile:1:1: missing '}' after ${V in \"${V\"");
        assertThatThrownBy(() -> sw.expand("${V:-x", ENV, AT)).hasMessage("Dockerfile:1:1: missing '}' in \"${V:-x\"");
        assertThatThrownBy(() -> sw.expand("${}", ENV, AT))
                .hasMessage("Dockerfile:1:1: bad substitution: no variable name after ${ in \"${}\"");
        assertThatThrownBy(() -> sw.expand("${V!}", ENV, AT))
                .hasMessage("Dockerfile:1:1: unsupported modifier (!) in substitution in \"${V!}\"");
        assertThatThrownBy(() -> sw.expand("${V:=x}", ENV, AT))
                .hasMessage("Dockerfile:1:1: unsupported modifier (:=) in substitution in \"${V:=x}\"");
        assertThatThrownBy(() -> sw.expand("'abc", ENV, AT))
                .hasMessage(
                        "Dockerfile:1:1: unexpected end of statement while looking for matching single-quote in \"'abc\"");
        assertThatThrownBy(() -> sw.expand("\"abc", ENV, AT))
                .hasMessage(
                        "Dockerfile:1:1: unexpected end of statement while looking for matching double-quote in \"\"abc\"");
    }

    @Test
    void referencesAndPartialExpansion() {
        assertThat(sw.references("${A:-$B}/$C/${D#x}'$E'", AT)).containsExactly("A", "B", "C", "D");
        assertThat(sw.expandKnown("$V/$HOME/${PYHOME:-/opt}/${V%e}", ENV, AT))
                .isEqualTo("value/$HOME/${PYHOME:-/opt}/valu");
    }

    @Test
    void heredocBodiesKeepQuotes() {
        assertThat(sw.expandHeredoc("say \"$V\" 'x' \\$V \\n\n", ENV, AT, false))
                .isEqualTo("say \"value\" 'x' $V \\n\n");
        assertThat(List.of(sw.expandHeredoc("$HOME $V", ENV, AT, true))).containsExactly("$HOME value");
    }
}
