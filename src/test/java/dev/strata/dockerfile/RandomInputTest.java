package dev.strata.dockerfile;

import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Seeded random Dockerfiles built from the grammar's own pieces (keywords, flags, quotes, escapes,
 * heredoc markers, expansions): parsing, resolving and expanding may only fail with
 * {@link DockerfileException}. Complements the Jazzer fuzz test, which replays seeds by default.
 */
class RandomInputTest {
    private static final String[] PIECES = {
        "FROM ",
        "from ",
        "RUN ",
        "COPY ",
        "ADD ",
        "ENV ",
        "ARG ",
        "LABEL ",
        "CMD ",
        "ENTRYPOINT ",
        "SHELL ",
        "WORKDIR ",
        "USER ",
        "VOLUME ",
        "EXPOSE ",
        "ONBUILD ",
        "HEALTHCHECK ",
        "STOPSIGNAL ",
        "MAINTAINER ",
        " AS ",
        " as x",
        "--from=",
        "--mount=",
        "type=cache,target=/c",
        "type=secret,id=s",
        ",from=0",
        "--platform=",
        "--chown=",
        "--link",
        "--network=none",
        "--interval=",
        "CMD ",
        "NONE",
        "\n",
        "\n",
        "\n",
        "\r\n",
        " ",
        " ",
        "\t",
        "\\\n",
        "`\n",
        "# escape=`\n",
        "# syntax=x\n",
        "# c\n",
        "\"",
        "'",
        "\\",
        "`",
        "$",
        "${",
        "}",
        ":-",
        ":+",
        ":?",
        "-",
        "+",
        "?",
        "#",
        "##",
        "%",
        "%%",
        "/",
        "//",
        "A",
        "B",
        "V",
        "a=1",
        "b=\"x y\"",
        "[",
        "]",
        "[\"a\", \"b\"]",
        "[1]",
        ",",
        "<<EOF",
        "<<-EOF",
        "<<'EOF'",
        "3<<EOF",
        "\nEOF\n",
        "\n\tEOF\n",
        "80/tcp",
        "1-2",
        "/x",
        "scratch",
        "alpine",
        "0",
        "1",
        "*",
        "\uFEFF",
        "=",
        "{",
        "é",
        "\u0000",
    };

    private static void run(long seed, int count) {
        Random r = new Random(seed);
        for (int i = 0; i < count; i++) {
            StringBuilder b = new StringBuilder();
            if (r.nextInt(3) > 0) {
                b.append("FROM alpine")
                        .append(r.nextBoolean() ? " AS s" + r.nextInt(3) : "")
                        .append('\n');
            }
            int n = r.nextInt(40);
            for (int k = 0; k < n; k++) {
                b.append(PIECES[r.nextInt(PIECES.length)]);
            }
            String text = b.toString();
            try {
                Robustness.parseResolveExpand(text);
                Robustness.expandWord(r.nextBoolean() ? '\\' : '`', text, Map.of("V", "abc", "A", "x y"));
            } catch (RuntimeException | AssertionError e) {
                throw new AssertionError("seed " + seed + " input " + i + " failed on:\n" + text, e);
            }
        }
    }

    @Test
    void randomDockerfilesFailOnlyWithPositionedErrors() {
        run(42, 20_000);
    }

    @Test
    @Tag("slow")
    void manyMoreRandomDockerfiles() {
        for (long seed = 1; seed <= 50; seed++) {
            run(seed, 40_000);
        }
    }
}
