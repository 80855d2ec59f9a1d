package dev.strata.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the examples of docs/dockerfile.md: each ```dockerfile block is written to a context, each
 * following ```console block's {@code $ strata ...} line is run and its output compared.
 */
class DocsExamplesTest {
    private static final Pattern BLOCK = Pattern.compile("```(\\w+)\\n(.*?)```", Pattern.DOTALL);

    @TempDir
    Path dir;

    @Test
    void everyExampleRunsAsShown() throws IOException {
        String doc = Files.readString(Path.of("docs/dockerfile.md"));
        Matcher m = BLOCK.matcher(doc);
        int ran = 0;
        boolean haveDockerfile = false;
        while (m.find()) {
            String lang = m.group(1);
            String body = m.group(2);
            if (lang.equals("dockerfile")) {
                Files.writeString(dir.resolve("Dockerfile"), body);
                haveDockerfile = true;
            } else if (lang.equals("console") && haveDockerfile) {
                String[] lines = body.split("\n", 2);
                assertThat(lines[0]).startsWith("$ strata ");
                List<String> args = new ArrayList<>(
                        Arrays.asList(lines[0].substring("$ strata ".length()).split(" ")));
                args.set(args.size() - 1, dir.toString());
                StringWriter out = new StringWriter();
                StringWriter err = new StringWriter();
                Main.run(args.toArray(String[]::new), new PrintWriter(out), new PrintWriter(err));
                String shown = out.toString().replace(dir + "/", "");
                assertThat(shown).as(lines[0]).isEqualTo(lines.length > 1 ? lines[1] : "");
                ran++;
            }
        }
        assertThat(ran).isEqualTo(4);
    }
}
