package dev.strata.context;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.error.StrataException;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Pattern behaviour as moby's patternmatcher documents it in its test table (pattern, path, and
 * whether the path matches itself, only through a parent, or not at all), plus Go's filepath.Match
 * cases it inherits.
 */
class PatternGoldenTest {

    private static IgnorePattern compiled(String pattern) {
        return DockerIgnore.ofPatterns(List.of(pattern), "golden").patterns().get(0);
    }

    @ParameterizedTest(name = "{0} vs {1}: {2}")
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '\'',
            value = {
                "**|file|self",
                "**|file/|self",
                "**/|file|self",
                "**/|file/|self",
                "**|dir/file|self",
                "**/|dir/file|self",
                "**/**|dir/file|self",
                "dir/**|dir/file|self",
                "dir/**|dir/dir2/file|self",
                "**/dir|dir|self",
                "**/dir|dir/file|parent",
                "**/dir2/*|dir/dir2/file|self",
                "**/dir2/*|dir/dir2/file/|parent",
                "**/dir2/**|dir/dir2/dir3/file|self",
                "**file|file|self",
                "**file|dir/file|self",
                "**/file|dir/file|self",
                "**file|dir/dir/file|self",
                "**/file|dir/dir/file|self",
                "**/file*|dir/dir/file|self",
                "**/file*|dir/dir/file.txt|self",
                "**/file*txt|dir/dir/file.txt|self",
                "**/file*.txt|dir/dir/file.txt|self",
                "**/file*.txt*|dir/dir/file.txt|self",
                "**/**/*.txt|dir/dir/file.txt|self",
                "**/**/*.txt2|dir/dir/file.txt|no",
                "**/*.txt|file.txt|self",
                "**/**/*.txt|file.txt|self",
                "a**/*.txt|a/file.txt|self",
                "a**/*.txt|a/dir/file.txt|self",
                "a**/*.txt|a/dir/dir/file.txt|self",
                "a/*.txt|a/dir/file.txt|no",
                "a/*.txt|a/file.txt|self",
                "a/*.txt**|a/file.txt|self",
                "a[b-d]e|ae|no",
                "a[b-d]e|ace|self",
                "a[b-d]e|aae|no",
                "a[^b-d]e|aze|self",
                ".*|.foo|self",
                ".*|foo|no",
                "abc.def|abcdef|no",
                "abc.def|abc.def|self",
                "abc.def|abcZdef|no",
                "abc?def|abcZdef|self",
                "abc?def|abcdef|no",
                "**/foo/bar|foo/bar|self",
                "**/foo/bar|dir/foo/bar|self",
                "**/foo/bar|dir/dir2/foo/bar|self",
                "abc/**|abc|no",
                "abc/**|abc/def|self",
                "abc/**|abc/def/ghi|self",
                "**/.foo|.foo|self",
                "**/.foo|bar.foo|no",
                "a(b)c/def|a(b)c/def|self",
                "a(b)c/def|a(b)c/xyz|no",
                "'a.|)$(}+{bc'|'a.|)$(}+{bc'|self",
                "dist/*.whl|dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl|self",
                "a\\\\|a\\|self",
                "a\\*b|a*b|self",
                // Go's filepath.Match cases
                "abc|abc|self",
                "*|abc|self",
                "*c|abc|self",
                "a*|a|self",
                "a*|abc|self",
                "a*|ab/c|parent",
                "a*/b|abc/b|self",
                "a*/b|a/c/b|no",
                "a*b*c*d*e*/f|axbxcxdxe/f|self",
                "a*b*c*d*e*/f|axbxcxdxexxx/f|self",
                "a*b*c*d*e*/f|axbxcxdxe/xxx/f|no",
                "a*b*c*d*e*/f|axbxcxdxexxx/fff|no",
                "a*b?c*x|abxbbxdbxebxczzx|self",
                "a*b?c*x|abxbbxdbxebxczzy|no",
                "ab[c]|abc|self",
                "ab[b-d]|abc|self",
                "ab[e-g]|abc|no",
                "ab[^c]|abc|no",
                "ab[^b-d]|abc|no",
                "ab[^e-g]|abc|self",
                "a?b|a☺b|self",
                "a[^a]b|a☺b|self",
                "a???b|a☺b|no",
                "[a-ζ]*|α|self",
                "*[a-ζ]|A|no",
                "a?b|a/b|no",
                "a*b|a/b|no",
                "[\\]a]|]|self",
                "[\\-]|-|self",
                "[x\\-]|x|self",
                "[x\\-]|-|self",
                "[x\\-]|z|no",
                "[\\-x]|x|self",
                "[\\-x]|a|no",
                "*x|xxx|self"
            })
    void matchesLikePatternmatcher(String pattern, String path, String how) {
        boolean self = compiled(pattern).matches(path);
        boolean withParents =
                DockerIgnore.ofPatterns(List.of(pattern), "golden").excludes(path);
        assertThat(self).as("exact match").isEqualTo(how.equals("self"));
        assertThat(withParents).as("match with parents").isEqualTo(!how.equals("no"));
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "**|util/docker/web/foo|true",
                "**,!util/docker/web|util/docker/web/foo|false",
                "**,!util/docker/web,util/docker/web/foo|util/docker/web/foo|true",
                "**,!dist/*.whl|dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl|false",
                "!fileutils.go,*.go|fileutils.go|true",
                "*.go,!fileutils.go|fileutils.go|false",
                "docs,!docs/README.md|docs/README.md|false",
                "docs/,!docs/README.md|docs/README.md|false",
                "docs/*,!docs/README.md|docs/README.md|false"
            })
    void severalPatternsInOrder(String patterns, String path, boolean excluded) {
        List<String> list = List.of(patterns.split(","));
        assertThat(DockerIgnore.ofPatterns(list, "golden").excludes(path)).isEqualTo(excluded);
    }

    @ParameterizedTest
    @ValueSource(strings = {"[]a]", "[-]", "[x-]", "[-x]", "\\", "[a-b-c]", "[", "[^", "[^bc", "a[", "!"})
    void malformedPatternsAreRejected(String pattern) {
        assertThatThrownBy(() -> DockerIgnore.ofPatterns(List.of(pattern), "golden"))
                .isInstanceOf(StrataException.class);
        assertThatThrownBy(() -> DockerIgnore.parse(pattern + "\n", ".dockerignore"))
                .isInstanceOf(StrataException.class)
                .hasMessageContaining(".dockerignore:1");
    }
}
