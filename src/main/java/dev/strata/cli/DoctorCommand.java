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
            "Exit status: 0 when a build with RUN steps can run, 4 when it cannot."
        })
public final class DoctorCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Path home = StoreHome.resolve();
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
