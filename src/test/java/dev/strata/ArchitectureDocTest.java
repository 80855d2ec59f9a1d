package dev.strata;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A newcomer's test: from docs/ARCHITECTURE.md alone, name the file that computes a RUN step's key,
 * the one that writes a COPY layer and the one that uploads a blob — and every file and method the
 * page names must exist, so the map cannot drift from the code unnoticed.
 */
class ArchitectureDocTest {
    private static final Path DOC = Path.of("docs/ARCHITECTURE.md");
    private static final Path MAIN = Path.of("src/main/java/dev/strata");

    /** {@code pkg/File.java} optionally followed by {@code (`method`)}, as the page writes them. */
    private static final Pattern FILE_AND_METHOD =
            Pattern.compile("`([a-z]+/[A-Z][A-Za-z]+\\.java)`(?:\\s*\\(`([a-zA-Z]+)`)?");

    /** {@code pkg/Class.method} in backticks. */
    private static final Pattern CLASS_DOT_METHOD = Pattern.compile("`([a-z]+)/([A-Z][A-Za-z]+)\\.([a-z][A-Za-z]+)`");

    private record Named(Path file, String method) {}

    /** The first file (with its method) that the text under {@code heading} names. */
    private static Named firstNamedUnder(String doc, String heading) {
        int at = doc.indexOf(heading);
        assertThat(at).as("ARCHITECTURE.md has '%s'", heading).isNotNegative();
        Matcher m = FILE_AND_METHOD.matcher(doc);
        assertThat(m.find(at)).as("a file is named under '%s'", heading).isTrue();
        return new Named(MAIN.resolve(m.group(1)), m.group(2));
    }

    private static String methodBody(Named n) throws IOException {
        String src = Files.readString(n.file());
        Matcher decl = Pattern.compile("\\s" + n.method() + "\\(").matcher(src);
        assertThat(decl.find()).as("%s declares %s", n.file(), n.method()).isTrue();
        return src.substring(decl.start());
    }

    @Test
    void aNewcomerFindsTheRunKeyTheCopyLayerAndTheBlobUpload() throws IOException {
        String doc = Files.readString(DOC);

        Named runKey = firstNamedUnder(doc, "### Where a step's key is made");
        assertThat(runKey.file()).exists();
        // the file builds the step inputs that become the key
        assertThat(Files.readString(runKey.file())).contains("StepInputs").contains(".key()");
        Named runInputs = firstNamedUnder(doc, "The step's own inputs:");
        assertThat(runInputs.file().getFileName()).hasToString("RunStep.java");
        assertThat(methodBody(runInputs)).contains("network").contains("mount");

        Named copyLayer = firstNamedUnder(doc, "### Where a COPY layer is written");
        assertThat(methodBody(copyLayer)).contains("LayerWriter");

        Named upload = firstNamedUnder(doc, "**Uploading a blob**");
        assertThat(upload.file().getFileName()).hasToString("RepositorySink.java");
        Named http = firstNamedUnder(doc, "calls `registry/RegistryClient.pushBlob`");
        assertThat(methodBody(http)).contains("/blobs/uploads/");
    }

    @Test
    void everyFileAndMethodThePageNamesExists() throws IOException {
        String doc = Files.readString(DOC);
        List<String> missing = new ArrayList<>();
        Matcher files = FILE_AND_METHOD.matcher(doc);
        while (files.find()) {
            Path file = MAIN.resolve(files.group(1));
            if (!Files.exists(file)) {
                missing.add(files.group(1));
            } else if (files.group(2) != null && !Files.readString(file).contains(" " + files.group(2) + "(")) {
                missing.add(files.group(1) + " " + files.group(2));
            }
        }
        Matcher methods = CLASS_DOT_METHOD.matcher(doc);
        while (methods.find()) {
            Path file = MAIN.resolve(methods.group(1)).resolve(methods.group(2) + ".java");
            if (methods.group(3).equals("java")) {
                continue; // a file name, checked above
            }
            if (!Files.exists(file) || !Files.readString(file).contains(methods.group(3) + "(")) {
                missing.add(methods.group(1) + "/" + methods.group(2) + "." + methods.group(3));
            }
        }
        Matcher classes = Pattern.compile("`([a-z]+)/([A-Z][A-Za-z]+)`").matcher(doc);
        while (classes.find()) {
            if (!Files.exists(MAIN.resolve(classes.group(1)).resolve(classes.group(2) + ".java"))) {
                missing.add(classes.group(1) + "/" + classes.group(2));
            }
        }
        assertThat(missing)
                .as("names in ARCHITECTURE.md with no such file or method")
                .isEmpty();
    }
}
