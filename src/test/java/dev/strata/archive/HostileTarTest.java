package dev.strata.archive;

import static dev.strata.archive.LayerExtractorTest.tar;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.error.ExitCode;
import dev.strata.error.StrataException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile layers: each is refused with an input error naming the layer (and the entry where there is
 * one), or contained inside the target. After every case the directory beside the target
 * ({@code outside}) must be exactly as before and nothing new may appear next to it.
 */
@Timeout(20) // a hostile blob must fail fast, never block or loop
class HostileTarTest {
    private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;

    @TempDir
    Path tmp;

    Path target;
    Path outside;
    Map<String, String> before;

    @BeforeEach
    void setUp() throws IOException {
        target = Files.createDirectory(tmp.resolve("t"));
        outside = Files.createDirectories(tmp.resolve("outside/dir"));
        outside = outside.getParent();
        Files.writeString(outside.resolve("secret"), "s");
        Files.writeString(outside.resolve("dir/keep"), "k");
        before = state(outside);
    }

    @AfterEach
    void outsideUntouched() throws IOException {
        assertThat(state(outside)).isEqualTo(before);
        try (Stream<Path> s = Files.list(tmp)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("t", "outside");
        }
    }

    /** Every path below root with its type, mode, mtime and content: what an escape could change. */
    static Map<String, String> state(Path root) throws IOException {
        Map<String, String> m = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String content = Files.isRegularFile(p, NOFOLLOW) ? Files.readString(p) : "";
                m.put(
                        root.relativize(p).toString(),
                        Files.getAttribute(p, "unix:mode", NOFOLLOW) + " " + Files.getLastModifiedTime(p, NOFOLLOW)
                                + " " + content);
            }
        }
        return m;
    }

    void extract(byte[] blob) {
        LayerExtractor.extract(new ByteArrayInputStream(blob), target, WhiteoutMode.APPLY, "test-layer");
    }

    void refused(byte[] blob, String... mentions) {
        assertThatThrownBy(() -> extract(blob))
                .isInstanceOf(StrataException.class)
                .hasMessageContaining("test-layer")
                .hasMessageContainingAll(mentions)
                .satisfies(e -> assertThat(((StrataException) e).exitCode()).isEqualTo(ExitCode.INPUT))
                .satisfies(
                        e -> assertThat(((StrataException) e).exitCode().code()).isEqualTo(2));
    }

    // --- names that climb out -------------------------------------------------------------------

    @Test
    void dotDot() throws IOException {
        refused(tar("f:../evil=x"), "../evil", "'..'");
    }

    @Test
    void dotDotInside() throws IOException {
        refused(tar("d:a/", "f:a/../../evil=x"), "a/../../evil");
    }

    @Test
    void dotSlashDotDot() throws IOException {
        refused(tar("f:./../outside/secret=x"), "./../outside/secret");
    }

    @Test
    void absolutePath() throws IOException {
        refused(tar("f:" + outside.resolve("evil") + "=x"), "absolute");
    }

    @Test
    void paxPathClimbsOutBehindABenignName() {
        refused(
                new RawTar()
                        .pax(RawTar.record("path", "../evilpax"))
                        .file("benign", "x")
                        .end()
                        .bytes(),
                "../evilpax");
    }

    // --- symlinks -------------------------------------------------------------------------------

    @Test
    void symlinkParentUp() throws IOException {
        refused(tar("s:up>..", "f:up/evil=x"), "up/evil", "symlink");
    }

    @Test
    void symlinkParentAbsolute() throws IOException {
        refused(tar("s:root>" + outside, "f:root/secret=pwned"), "root/secret", "symlink");
    }

    @Test
    void symlinkChain() throws IOException {
        refused(tar("s:a>b", "s:b>c", "s:c>../outside", "f:a/secret=pwned"), "a/secret");
    }

    @Test
    void symlinkDeepInside() throws IOException {
        refused(tar("d:d/", "d:d/e/", "s:d/e/up>../../..", "f:d/e/up/outside/secret=pwned"), "d/e/up/outside/secret");
    }

    @Test
    void directoryEntryThroughSymlinkParent() throws IOException {
        refused(tar("s:l>../outside", "d:l/newdir/"), "l/newdir");
    }

    @Test
    void fileOverSymlinkReplacesTheLinkNotItsTarget() throws IOException {
        extract(tar("s:victim>../outside/secret", "f:victim=pwned"));
        assertThat(Files.isSymbolicLink(target.resolve("victim"))).isFalse();
        assertThat(target.resolve("victim")).hasContent("pwned");
    }

    @Test
    void directoryOverSymlinkReplacesTheLink() throws IOException {
        extract(tar("s:dir>../outside/dir"));
        extract(tar("d:dir/", "f:dir/keep=pwned"));
        assertThat(Files.isSymbolicLink(target.resolve("dir"))).isFalse();
        assertThat(target.resolve("dir/keep")).hasContent("pwned");
    }

    @Test
    void absoluteSymlinkIsKeptAsALinkNeverFollowed() throws IOException {
        extract(tar("s:abs>" + outside.resolve("secret"), "s:rel>../outside/dir"));
        assertThat(Files.readSymbolicLink(target.resolve("abs"))).isEqualTo(outside.resolve("secret"));
        assertThat(Files.readSymbolicLink(target.resolve("rel"))).isEqualTo(Path.of("../outside/dir"));
    }

    // --- hardlinks ------------------------------------------------------------------------------

    @Test
    void hardlinkOutside() throws IOException {
        refused(tar("h:evil>../outside/secret"), "'evil' (hardlink to '../outside/secret')", "'..'");
    }

    @Test
    void hardlinkAbsolute() throws IOException {
        refused(tar("h:evil>" + outside.resolve("secret")), "'evil' (hardlink", "absolute");
    }

    @Test
    void hardlinkThroughSymlink() throws IOException {
        refused(tar("s:l>../outside", "h:evil>l/secret"), "l/secret", "symlink");
    }

    @Test
    void hardlinkViaPaxLinkpath() {
        refused(
                new RawTar()
                        .pax(RawTar.record("linkpath", "../outside/secret"))
                        .header("evil", '1', "00000000000", "harmless")
                        .end()
                        .bytes(),
                "'evil' (hardlink to '../outside/secret')");
    }

    @Test
    void hardlinkToSomethingNotInTheLayer() throws IOException {
        refused(tar("h:evil>nothing"), "evil", "nothing");
    }

    @Test
    void hardlinkToASymlinkLinksTheSymlinkItself() throws IOException {
        extract(tar("s:l>../outside/secret", "h:evil>l"));
        assertThat(Files.isSymbolicLink(target.resolve("evil"))).isTrue();
        extract(tar("f:evil=pwned")); // a later layer writing the name replaces the link
        assertThat(target.resolve("evil")).hasContent("pwned");
    }

    // --- whiteouts ------------------------------------------------------------------------------

    @Test
    void whiteoutOfDotDot() throws IOException {
        refused(tar("d:a/", "f:a/.wh...="), "'..'");
    }

    @Test
    void whiteoutThroughSymlinkParent() throws IOException {
        refused(tar("s:up>../outside", "f:up/.wh.secret="), "up/.wh.secret");
    }

    @Test
    void opaqueThroughSymlinkParent() throws IOException {
        refused(tar("s:up>../outside", "f:up/.wh..wh..opq="), "up/.wh..wh..opq");
    }

    @Test
    void whiteoutOfASymlinkRemovesOnlyTheLink() throws IOException {
        extract(tar("s:link>../outside", "d:d/", "s:d/l>../../outside/dir"));
        extract(tar("f:.wh.link=", "d:d/", "f:d/.wh..wh..opq="));
        assertThat(target.resolve("link")).doesNotExist();
        assertThat(Files.exists(target.resolve("d/l"), NOFOLLOW)).isFalse();
    }

    // --- sizes that lie, cut-off and corrupt streams ---------------------------------------------

    @Test
    void absurdOctalSize() {
        refused(
                new RawTar()
                        .header("big", '0', "77777777777", "")
                        .data("abc".getBytes(StandardCharsets.UTF_8))
                        .end()
                        .bytes(),
                "big");
    }

    @Test
    void absurdPaxSize() {
        refused(
                new RawTar()
                        .pax(RawTar.record("size", "999999999999999999"))
                        .file("big", "abc")
                        .end()
                        .bytes(),
                "test-layer");
    }

    @Test
    void absurdPaxRecordLength() {
        refused(
                new RawTar()
                        .pax("99999999999999999999 path=x\n")
                        .file("f", "abc")
                        .end()
                        .bytes(),
                "test-layer");
    }

    @Test
    void absurdLongNameSize() {
        refused(
                new RawTar()
                        .header("././@LongLink", 'L', "77777777777", "")
                        .data(new byte[600])
                        .bytes(),
                "test-layer");
    }

    @Test
    void truncatedInsideData() throws IOException {
        byte[] good = tar("f:big=" + "x".repeat(5000));
        refused(Arrays.copyOf(good, 2000), "truncated", "big");
    }

    @Test
    void truncatedAtAnEntryBoundary() {
        byte[] cut = new RawTar().file("a", "1").file("b", "2").bytes(); // no end-of-archive blocks
        refused(cut, "truncated");
    }

    @Test
    void truncatedInsideAHeader() {
        byte[] good = new RawTar().file("a", "1").file("b", "2").end().bytes();
        refused(Arrays.copyOf(good, 1024 + 300), "truncated");
    }

    @Test
    void truncatedGzip() throws IOException {
        byte[] gz = RawTar.gzip(tar("f:a=" + "hello ".repeat(3000), "f:b=2"));
        refused(Arrays.copyOf(gz, gz.length / 2), "corrupt or truncated");
    }

    @Test
    void gzipWithoutItsTrailer() throws IOException {
        byte[] gz = RawTar.gzip(tar("f:a=1"));
        refused(Arrays.copyOf(gz, gz.length - 8), "corrupt or truncated");
    }

    @Test
    void corruptGzip() throws IOException {
        byte[] gz = RawTar.gzip(tar("f:a=" + "hello ".repeat(3000)));
        for (int i = 20; i < 40; i++) {
            gz[i] ^= 0x5a;
        }
        refused(gz, "test-layer");
    }

    @Test
    void gzipHeaderThenGarbage() {
        refused(new byte[] {0x1f, (byte) 0x8b, 8, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, "corrupt or truncated");
    }

    @Test
    void truncatedZstd() throws IOException {
        byte[] z = RawTar.zstd(tar("f:a=" + "hello ".repeat(3000), "f:b=2"));
        refused(Arrays.copyOf(z, z.length - 5), "test-layer");
    }

    @Test
    void notATarAtAll() {
        byte[] junk = new byte[4096];
        new Random(3).nextBytes(junk);
        junk[0] = 'X';
        refused(junk, "test-layer");
    }
}
