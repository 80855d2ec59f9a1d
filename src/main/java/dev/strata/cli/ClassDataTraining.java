package dev.strata.cli;

import dev.strata.exec.Tree;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The run bin/strata records a class-data-sharing archive from (once per jar and JDK): the commands
 * users run most — build, push, pull, copy, save, images, inspect — on temp stores against an
 * in-memory registry on 127.0.0.1, so their classes load from the archive afterwards. That takes
 * about a third off every command's start-up, which is most of a small pull or a cached build.
 * RUN steps are left out: they need root and a runtime, and their classes are few.
 */
public final class ClassDataTraining {
    private ClassDataTraining() {}

    public static void main(String[] args) throws IOException {
        List<String> failed = run();
        failed.forEach(f -> System.err.println("strata training: " + f));
        Main.wakeHttpSelectors();
        System.exit(failed.isEmpty() ? 0 : 1);
    }

    /** Runs the training; returns the commands that did not exit 0 (none, unless strata changed under it). */
    static List<String> run() throws IOException {
        Path tmp = Files.createTempDirectory("strata-training-");
        List<String> failed = new ArrayList<>();
        try (TrainingRegistry registry = TrainingRegistry.start()) {
            Path context = Files.createDirectories(tmp.resolve("context"));
            Files.writeString(
                    context.resolve("Dockerfile"),
                    String.join(
                            "\n",
                            "# syntax=docker/dockerfile:1",
                            "FROM scratch AS base",
                            "ARG VERSION=1",
                            "ENV APP_VERSION=$VERSION PATH=/bin",
                            "COPY app.txt /app/",
                            "WORKDIR /app",
                            "FROM base",
                            "COPY --from=base /app/app.txt /copy.txt",
                            "LABEL org.opencontainers.image.title=training",
                            "USER 1000",
                            "EXPOSE 8080",
                            "CMD [\"/app/app.txt\"]",
                            ""));
            Files.writeString(context.resolve("app.txt"), "strata class-data training\n");
            Files.writeString(context.resolve(".dockerignore"), "*.log\n");
            String image = registry.host() + "/training/app:1";
            String auth = tmp.resolve("auth.json").toString();
            Files.writeString(tmp.resolve("auth.json"), "{\"auths\":{}}");
            Path built = tmp.resolve("built");
            Path pulled = tmp.resolve("pulled");
            run(
                    failed,
                    built,
                    "build",
                    "-t",
                    image,
                    "--push",
                    "--authfile",
                    auth,
                    "--progress",
                    "plain",
                    "--cache-to",
                    "type=inline",
                    "--cache-to",
                    "type=local,dest=" + tmp.resolve("cache"),
                    "--cache-report",
                    tmp.resolve("report.json").toString(),
                    "--metadata-file",
                    tmp.resolve("metadata.json").toString(),
                    context.toString());
            run(
                    failed,
                    tmp.resolve("cached"),
                    "build",
                    "-t",
                    image,
                    "--progress",
                    "json",
                    "--build-arg",
                    "VERSION=1",
                    "--cache-from",
                    image,
                    "--cache-from",
                    "type=local,src=" + tmp.resolve("cache"),
                    context.toString());
            run(failed, built, "build", "--print", "plan", "--format", "json", context.toString());
            run(failed, built, "check", "-f", context.resolve("Dockerfile").toString());
            run(failed, built, "--version");
            run(failed, built, "images");
            run(failed, built, "inspect", image);
            run(
                    failed,
                    built,
                    "save",
                    "--format",
                    "docker",
                    "-o",
                    tmp.resolve("image.tar").toString(),
                    image);
            run(failed, pulled, "pull", "--authfile", auth, image);
            run(failed, pulled, "push", "--authfile", auth, image, registry.host() + "/training/other:1");
            run(failed, pulled, "copy", "--authfile", auth, image, registry.host() + "/training/copy:1");
            run(failed, pulled, "tag", image, "training/tagged:1");
            run(failed, pulled, "rmi", "training/tagged:1");
            run(failed, pulled, "prune");
            for (String command :
                    Main.commandLine(quiet(), quiet()).getSubcommands().keySet()) {
                run(failed, built, command, "--help");
            }
        } finally {
            System.clearProperty(StoreHome.TRAINING_PROPERTY);
            delete(tmp);
        }
        return failed;
    }

    private static void run(List<String> failed, Path store, String... args) {
        System.setProperty(StoreHome.TRAINING_PROPERTY, store.toString());
        StringWriter err = new StringWriter();
        int code = Main.run(args, quiet(), new PrintWriter(err, true));
        if (code != 0) {
            failed.add("strata " + String.join(" ", args) + " exited " + code + ": "
                    + err.toString().strip());
        }
    }

    private static PrintWriter quiet() {
        return new PrintWriter(Writer.nullWriter());
    }

    private static void delete(Path root) {
        if (!Tree.delete(root)) {
            throw new UncheckedIOException(new IOException("cannot remove the training's temp dir " + root));
        }
    }
}
