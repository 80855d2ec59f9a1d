package dev.strata.engine;

import dev.strata.context.BuildContext;
import dev.strata.dockerfile.BuildOptions;
import dev.strata.dockerfile.Dockerfile;
import dev.strata.dockerfile.Stage;
import dev.strata.oci.Image;
import dev.strata.oci.Layer;
import dev.strata.oci.Platform;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * Where a {@code COPY --from} or a {@code RUN --mount=from=} reads: another stage of this build (by
 * name or index, built first if needed), else an image.
 *
 * @param dockerfile the Dockerfile, to find stages by name
 * @param stages     a stage's result by index (waits for it to be built)
 * @param images     where images named by {@code from} are resolved
 */
record FromSources(
        Dockerfile dockerfile,
        IntFunction<StageResult> stages,
        BaseImages images,
        BuildOptions options,
        Function<String, BuildContext> directories) {

    /** The directory of a {@code --build-context NAME=DIR} that {@code from} names (read like the context). */
    Optional<BuildContext> directory(String from) {
        return options.directoryContext(from).map(d -> directories.apply(from.toLowerCase(Locale.ROOT)));
    }

    /** A stage's or image's layers, a name for messages and the state that names its content in keys. */
    record FromSource(String name, List<Layer> layers, String state) {}

    /** {@code from} for a step of {@code platform} at {@code position} (the Dockerfile line, for errors). */
    FromSource resolve(String from, Platform platform, String position) {
        Optional<String> image = options.imageContext(from);
        if (image.isPresent()) {
            // a named context replaces a stage of that name
            Image img = images.resolve(image.get(), platform, position);
            return new FromSource(
                    "image " + image.get(),
                    img.layers(),
                    img.manifest().digest().toString());
        }
        if (options.directoryContext(from).isPresent()) {
            // COPY and RUN --mount read a directory context through directory(), never as layers
            throw new IllegalStateException("--build-context " + from + " is a directory, not layers");
        }
        Optional<Stage> named = dockerfile.stage(from.toLowerCase(Locale.ROOT));
        int index = -1;
        if (named.isPresent()) {
            index = named.get().index();
        } else if (from.matches("[0-9]+")) {
            index = Integer.parseInt(from);
        }
        if (index >= 0) {
            StageResult r = stages.apply(index);
            return new FromSource("stage " + from, r.layers(), StageRunner.parentState(r.config(), r.layers()));
        }
        Image img = images.resolve(from, platform, position);
        return new FromSource(
                "image " + from, img.layers(), img.manifest().digest().toString());
    }
}
