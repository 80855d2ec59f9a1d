package dev.strata.context;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.error.ExitCode;
import dev.strata.error.StrataException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Golden cases for .dockerignore, from docker's documented examples and patternmatcher's edge cases. */
class DockerIgnoreTest {

    private static DockerIgnore rules(String... lines) {
        return DockerIgnore.parse(String.join("\n", lines), ".dockerignore");
    }

    @Test
    void documentedTempExamples() {
        DockerIgnore d = rules("# comment", "*/temp*", "*/*/temp*", "temp?");
        assertThat(d.patterns()).hasSize(3);
        assertThat(d.excludes("somedir/temporary.txt")).isTrue();
        assertThat(d.excludes("somedir/temp")).isTrue();
        assertThat(d.excludes("somedir/temp/inner.txt")).isTrue();
        assertThat(d.excludes("somedir/subdir/temporary.txt")).isTrue();
        assertThat(d.excludes("tempa")).isTrue();
        assertThat(d.excludes("tempb")).isTrue();
        assertThat(d.excludes("temp")).isFalse();
        assertThat(d.excludes("tempab")).isFalse();
        assertThat(d.excludes("temporary.txt")).isFalse();
        assertThat(d.excludes("a/b/c/temp")).isFalse();
    }

    @Test
    void doubleStarMatchesAnyNumberOfDirectories() {
        DockerIgnore d = rules("**/*.go");
        assertThat(d.excludes("main.go")).isTrue();
        assertThat(d.excludes("cmd/x/main.go")).isTrue();
        assertThat(d.excludes("main.go.txt")).isFalse();
        DockerIgnore nm = rules("**/node_modules");
        assertThat(nm.excludes("node_modules")).isTrue();
        assertThat(nm.excludes("web/node_modules/react/index.js")).isTrue();
        assertThat(nm.excludes("web/node_modules2")).isFalse();
        DockerIgnore mid = rules("a/**/b");
        assertThat(mid.excludes("a/b")).isTrue();
        assertThat(mid.excludes("a/x/y/b")).isTrue();
        assertThat(mid.excludes("a/x/yb")).isFalse();
        assertThat(rules("**").excludes("anything/at/all")).isTrue();
    }

    @Test
    void trailingDoubleStarIsAPrefixAndLeadingDoubleStarASuffix() {
        DockerIgnore d = rules("foo/**");
        assertThat(d.excludes("foo/x")).isTrue();
        assertThat(d.excludes("foo/x/y")).isTrue();
        assertThat(d.excludes("foo")).isFalse();
        // moby's suffix test: "**foo" is a plain string suffix, so it matches "xfoo" too
        assertThat(rules("**foo").excludes("xfoo")).isTrue();
        assertThat(rules("**/foo").excludes("xfoo")).isFalse();
        assertThat(rules("**/foo").excludes("foo")).isTrue();
    }

    @Test
    void exceptionsInOrderLastMatchWins() {
        DockerIgnore d = rules("*.md", "!README.md");
        assertThat(d.excludes("CHANGES.md")).isTrue();
        assertThat(d.excludes("README.md")).isFalse();
        assertThat(d.excludes("docs/x.md")).isFalse();

        DockerIgnore d2 = rules("*.md", "!README*.md", "README-secret.md");
        assertThat(d2.excludes("README-secret.md")).isTrue();
        assertThat(d2.excludes("README-public.md")).isFalse();
        assertThat(d2.excludes("other.md")).isTrue();

        DockerIgnore d3 = rules("*.md", "README-secret.md", "!README*.md");
        assertThat(d3.excludes("README-secret.md")).isFalse();

        DockerIgnore onlySome = rules("*", "!src", "!Dockerfile");
        assertThat(onlySome.excludes("build")).isTrue();
        assertThat(onlySome.excludes("src/main.c")).isFalse();
        assertThat(onlySome.excludes("Dockerfile")).isFalse();
    }

    @Test
    void exceptionReincludesAFileInsideAnExcludedDirectory() {
        DockerIgnore d = rules("dir", "!dir/keep.txt");
        assertThat(d.excludes("dir")).isTrue();
        assertThat(d.excludes("dir/other.txt")).isTrue();
        assertThat(d.excludes("dir/keep.txt")).isFalse();
        assertThat(d.mustDescend("dir")).isTrue();
        assertThat(d.mustDescend("dir/sub")).isFalse();
        assertThat(rules("dir", "!other/x").mustDescend("dir")).isFalse();
        assertThat(rules("dir").mustDescend("dir")).isFalse();
        assertThat(rules("a", "!*/b").mustDescend("a")).isTrue();
        assertThat(rules("a", "!*/b").mustDescend("a/c")).isFalse();
        assertThat(rules("a", "!**/keep").mustDescend("a/c")).isTrue();
    }

    @Test
    void leadingSlashDotSlashAndTrailingSlashAreNormalised() {
        for (String p : new String[] {
            "/foo/bar", "./foo/bar", "foo/bar/", "foo//bar", "foo/./bar", "x/../foo/bar", "  foo/bar   ", "/../foo/bar"
        }) {
            DockerIgnore d = rules(p);
            assertThat(d.excludes("foo/bar")).as(p).isTrue();
            assertThat(d.excludes("foo/bar/baz")).as(p).isTrue();
            assertThat(d.excludes("foo/barx")).as(p).isFalse();
            assertThat(d.excludes("foo")).as(p).isFalse();
        }
    }

    @Test
    void commentsOnlyInColumnOneAndBlankLinesSkipped() {
        DockerIgnore d = rules("#x", "", "   ", " #y", "\t");
        assertThat(d.patterns()).extracting(IgnorePattern::text).containsExactly("#y");
        assertThat(d.excludes("#y")).isTrue();
        assertThat(d.excludes("#x")).isFalse();
    }

    @Test
    void crlfAndBomAreTolerated() {
        DockerIgnore d = DockerIgnore.parse("\uFEFFa.txt\r\n!b\r\nc\r\n", "f");
        assertThat(d.patterns()).extracting(IgnorePattern::toString).containsExactly("a.txt", "!b", "c");
        assertThat(d.excludes("a.txt")).isTrue();
    }

    @Test
    void classesRangesAndEscapes() {
        assertThat(rules("[a-c].txt").excludes("b.txt")).isTrue();
        assertThat(rules("[a-c].txt").excludes("d.txt")).isFalse();
        assertThat(rules("[^a].txt").excludes("a.txt")).isFalse();
        assertThat(rules("[^a].txt").excludes("b.txt")).isTrue();
        // '!' is not negation inside a class in Go's syntax: it is a member
        assertThat(rules("[!a].txt").excludes("a.txt")).isTrue();
        assertThat(rules("[!a].txt").excludes("!.txt")).isTrue();
        assertThat(rules("[!a].txt").excludes("b.txt")).isFalse();
        assertThat(rules("\\*.txt").excludes("*.txt")).isTrue();
        assertThat(rules("\\*.txt").excludes("a.txt")).isFalse();
        assertThat(rules("a\\?").excludes("a?")).isTrue();
        assertThat(rules("a\\?").excludes("ab")).isFalse();
        assertThat(rules("[\\]]x").excludes("]x")).isTrue();
        assertThat(rules("f.o").excludes("fxo")).isFalse();
        assertThat(rules("a+(b)|{c}$").excludes("a+(b)|{c}$")).isTrue();
        assertThat(rules("*.txt").excludes("a/b.txt")).isFalse();
        assertThat(rules("?").excludes("/")).isFalse();
    }

    @Test
    void badPatternsAreInputErrorsWithTheLine() {
        for (String bad : new String[] {"!", "! ", "[", "a[", "[]", "[a-]", "[-a]", "x\\", "[^]"}) {
            assertThatThrownBy(() -> rules("ok", bad))
                    .as(bad)
                    .isInstanceOf(StrataException.class)
                    .hasMessageContaining(".dockerignore:2")
                    .satisfies(e -> assertThat(((StrataException) e).exitCode()).isEqualTo(ExitCode.INPUT));
        }
    }

    @Test
    void rootIsNeverExcluded() {
        assertThat(rules("*").excludes(".")).isFalse();
        assertThat(rules("*").excludes("")).isFalse();
        assertThat(rules("*").excludes("a")).isTrue();
    }

    @Test
    void dockerfileSpecificIgnoreTakesPrecedence(@TempDir Path dir) throws Exception {
        Path ctx = Files.createDirectories(dir.resolve("ctx"));
        Files.writeString(ctx.resolve(".dockerignore"), "general\n");
        Path df = Files.createDirectories(dir.resolve("build")).resolve("app.Dockerfile");
        Files.writeString(df, "FROM scratch\n");
        assertThat(DockerIgnore.load(ctx, Optional.of(df)).excludes("general")).isTrue();
        Files.writeString(dir.resolve("build/app.Dockerfile.dockerignore"), "specific\n");
        DockerIgnore d = DockerIgnore.load(ctx, Optional.of(df));
        assertThat(d.excludes("specific")).isTrue();
        assertThat(d.excludes("general")).isFalse();
        assertThat(DockerIgnore.load(ctx, Optional.empty()).excludes("general")).isTrue();
        assertThat(DockerIgnore.load(dir.resolve("build"), Optional.empty()).isEmpty())
                .isTrue();
    }

    @Test
    void excludeFlagPatterns() {
        DockerIgnore d = DockerIgnore.ofPatterns(List.of("*.txt", "!keep.txt", "/abs"), "--exclude");
        assertThat(d.excludes("a.txt")).isTrue();
        assertThat(d.excludes("keep.txt")).isFalse();
        assertThat(d.excludes("abs/x")).isTrue();
    }
}
