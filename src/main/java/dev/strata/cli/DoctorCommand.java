package dev.strata.cli;

import dev.strata.error.ExitCode;
import dev.strata.exec.Diagnosis;
import dev.strata.exec.Doctor;
import dev.strata.exec.Finding;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code strata doctor}: how RUN steps can be isolated here, the store's health, and what to fix. */
@Command(
        name = "doctor",
        mixinStandardHelpOptions = true,
        description = {
            "Report which isolation RUN steps get on this machine and why (root, user namespaces,"
                    + " /etc/subuid ranges, newuidmap, overlayfs, crun/runc, cgroups, seccomp), the local store's"
                    + " health, and what to install or change.",
            "With --verify: check the local store instead (every blob re-hashed, every tag and ref followed,"
                    + " skeletons compared with their layers, leftover temp files found) and report what is broken;"
                    + " --repair removes the broken entries.",
            "Exit status: 0 when a build with RUN steps can run (with --verify: the store is consistent, or"
                    + " was repaired), 4 when it cannot (the store is broken)."
        })
public final class DoctorCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Option(
            names = "--verify",
            description = "check the local store: re-hash every blob, follow every tag and ref, compare"
                    + " skeletons with their layers, find leftover temp files")
    boolean verify;

    @CommandLine.Option(
            names = "--repair",
            description = "with --verify: remove what is broken (corrupt blobs, tags of incomplete images,"
                    + " dangling refs, leftovers) so the store is consistent again")
    boolean repair;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Path home = StoreHome.resolve();
        if (verify || repair) {
            return StoreVerifyReport.run(home, repair, out);
        }
        Diagnosis d = Doctor.diagnose(home.resolve("tmp"));
        List<Finding> findings = new ArrayList<>(d.findings());
        findings.addAll(StoreHealth.check(home));
        int width = findings.stream().mapToInt(f -> f.topic().length()).max().orElse(8);
        for (Finding f : findings) {
            out.printf(
                    Locale.ROOT,
                    "%-4s  %-" + width + "s  %s%n",
                    f.level().name().toLowerCase(Locale.ROOT),
                    f.topic(),
                    f.detail());
            if (!f.fix().isEmpty()) {
                out.printf(Locale.ROOT, "      %-" + width + "s  fix: %s%n", "", f.fix());
            }
        }
        boolean storeOk = findings.stream()
                .filter(f -> f.topic().equals("store"))
                .noneMatch(f -> f.level() == Finding.Level.FAIL);
        out.println();
        out.println("RUN steps: " + d.summary());
        out.println(
                d.mode().canRun() && storeOk
                        ? "a build with RUN steps can run here"
                        : "a build with RUN steps cannot run here: see the fail lines above");
        out.flush();
        return d.mode().canRun() && storeOk ? ExitCode.OK.code() : ExitCode.ENVIRONMENT.code();
    }
}
