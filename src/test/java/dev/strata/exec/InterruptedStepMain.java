package dev.strata.exec;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Started in a child JVM by {@link InterruptTest}: runs a long step ({@code sleep ARGS[3]}), printing its output. */
public final class InterruptedStepMain {
    private InterruptedStepMain() {}

    public static void main(String[] args) {
        RunExecutor ex = RunExecutors.probe(Optional.of(Isolation.parse(args[0])));
        ex.run(RunRequest.builder(List.of("/bin/sh", "-c", "echo started; exec sleep " + args[3]), Path.of(args[1]))
                .lowerDirs(List.of(Path.of(args[2])))
                .mount(RunMount.Secret.of("s", new byte[] {1}))
                .output(line -> {
                    System.out.println(line);
                    System.out.flush();
                })
                .build());
    }
}
