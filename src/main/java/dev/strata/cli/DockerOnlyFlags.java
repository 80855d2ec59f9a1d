package dev.strata.cli;

import dev.strata.error.StrataException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * The flags of {@code docker build} / {@code docker buildx build} that strata deliberately does not
 * support. They are parsed (so a docker command line is not a picocli usage error with no hint) and
 * refused before any work, exit 2, each naming what to use instead; none is ever ignored silently.
 * A flag asking only for what strata always does (--provenance=false, --rm, --allow network.host)
 * is accepted.
 */
final class DockerOnlyFlags {
    @Option(
            names = "--allow",
            paramLabel = "ENTITLEMENT",
            description = "network.host is accepted (RUN --network=host needs no entitlement in strata);"
                    + " security.insecure and device are not supported (exit 2)")
    List<String> allow = new ArrayList<>();

    @Option(
            names = "--attest",
            paramLabel = "type=sbom|provenance,...",
            description = "not supported (exit 2) unless disabled=true: strata writes no attestations;"
                    + " scan the -o type=oci output (syft, trivy) and attest with cosign")
    List<String> attest = new ArrayList<>();

    @Option(
            names = "--sbom",
            paramLabel = "BOOL|generator=IMAGE",
            arity = "0..1",
            fallbackValue = "true",
            description = "only false is accepted (strata writes no SBOM); make one from the -o type=oci output")
    Optional<String> sbom = Optional.empty();

    @Option(
            names = "--provenance",
            paramLabel = "BOOL|mode=min|max",
            arity = "0..1",
            fallbackValue = "true",
            description = "only false is accepted (strata writes no provenance attestation)")
    Optional<String> provenance = Optional.empty();

    @Option(
            names = "--builder",
            paramLabel = "NAME",
            description = "not supported (exit 2): strata has no builder instances, it builds in this process")
    Optional<String> builder = Optional.empty();

    @Option(
            names = "--call",
            paramLabel = "build|check|outline|targets",
            description = "only build is accepted; use strata check (check) or --print=outline (outline, targets)")
    Optional<String> call = Optional.empty();

    @Option(names = "--check", description = "not supported (exit 2): use strata check [-f FILE] CONTEXT")
    boolean check;

    @Option(
            names = {"-D", "--debug"},
            description = "not supported (exit 2): use --progress=plain (every step's output and miss reason)")
    boolean debug;

    @Option(names = "--detach", description = "not supported (exit 2): strata has no build server to detach from")
    boolean detach;

    @Option(
            names = "--load",
            description = "not supported (exit 2): the image is in strata's store; for docker, use"
                    + " -o type=docker,dest=FILE and docker load -i FILE")
    boolean load;

    @Option(
            names = "--policy",
            paramLabel = "POLICY",
            description = "not supported (exit 2): strata has no source policies")
    Optional<String> policy = Optional.empty();

    @Option(
            names = "--squash",
            description = "not supported (exit 2): copy a stage's files into one layer instead"
                    + " (FROM scratch, COPY --from=STAGE / /)")
    boolean squash;

    @Option(
            names = "--compress",
            description = "not supported (exit 2): strata reads the context in place, there is nothing to send")
    boolean compress;

    @Option(names = "--stream", description = "not supported (exit 2): strata reads the context in place")
    boolean stream;

    @Option(
            names = "--rm",
            arity = "0..1",
            fallbackValue = "true",
            paramLabel = "BOOL",
            description = "accepted: strata never keeps a RUN's container; --rm=false is not supported (exit 2)")
    Optional<String> rm = Optional.empty();

    @Option(
            names = "--force-rm",
            description = "accepted: strata removes a RUN's container and mounts even when it fails")
    boolean forceRm;

    @Option(
            names = "--disable-content-trust",
            arity = "0..1",
            fallbackValue = "true",
            paramLabel = "BOOL",
            description = "not supported (exit 2): strata does not verify Docker Content Trust signatures;"
                    + " pin FROM images by digest, verify them with cosign or notation")
    Optional<String> contentTrust = Optional.empty();

    @Option(
            names = "--security-opt",
            paramLabel = "OPT",
            description = "not supported (exit 2): RUN gets the runtime's defaults; --isolation picks the runtime")
    List<String> securityOpt = new ArrayList<>();

    @Option(
            names = {"-m", "--memory"},
            paramLabel = "BYTES",
            description = "not supported (exit 2): limit strata itself, e.g. systemd-run --scope -p MemoryMax=2G"
                    + " strata build ...")
    Optional<String> memory = Optional.empty();

    @Option(
            names = "--memory-swap",
            paramLabel = "BYTES",
            description = "not supported (exit 2): limit strata itself, e.g. systemd-run --scope -p MemorySwapMax=..")
    Optional<String> memorySwap = Optional.empty();

    @Option(
            names = {"-c", "--cpu-shares"},
            paramLabel = "N",
            description = "not supported (exit 2): limit strata itself (systemd-run -p CPUWeight=N, nice)")
    Optional<String> cpuShares = Optional.empty();

    @Option(
            names = {"--cpu-period", "--cpu-quota"},
            paramLabel = "N",
            description = "not supported (exit 2): limit strata itself (systemd-run --scope -p CPUQuota=50%)")
    Optional<String> cpuQuota = Optional.empty();

    @Option(
            names = {"--cpuset-cpus", "--cpuset-mems"},
            paramLabel = "LIST",
            description = "not supported (exit 2): pin strata itself (taskset -c LIST strata build ...)")
    Optional<String> cpuset = Optional.empty();

    /** Refuses the first unsupported flag given, saying what to use instead. */
    void refuse() {
        for (String a : allow) {
            if (!a.equals("network.host")) {
                fail(
                        "--allow " + a,
                        "strata does not grant " + a + " (RUN --security=insecure and devices are not"
                                + " supported); only network.host is accepted");
            }
        }
        for (String a : attest) {
            if (!a.contains("disabled=true")) {
                fail(
                        "--attest " + a,
                        "strata writes no attestations; scan the image from -o type=oci with syft"
                                + " or trivy and attach the result with cosign attest");
            }
        }
        sbom.filter(v -> !isFalse(v))
                .ifPresent(v -> fail(
                        "--sbom",
                        "strata writes no SBOM; scan the image from -o type=oci with syft"
                                + " or trivy (or pass --sbom=false)"));
        provenance
                .filter(v -> !isFalse(v))
                .ifPresent(v -> fail(
                        "--provenance",
                        "strata writes no provenance attestation; attest with cosign"
                                + " attest, or pass --provenance=false"));
        builder.ifPresent(b -> fail("--builder " + b, "strata has no builder instances; drop the flag"));
        call.filter(c -> !c.equals("build"))
                .ifPresent(c -> fail(
                        "--call=" + c,
                        switch (c) {
                            case "check" -> "use strata check [-f FILE] CONTEXT";
                            case "outline", "targets" -> "use strata build --print=outline (or --print=plan)";
                            default -> "strata builds (build) only";
                        }));
        when(check, "--check", "use strata check [-f FILE] CONTEXT");
        when(debug, "--debug", "use --progress=plain: every step's output and why it missed the cache");
        when(detach, "--detach", "strata builds in this process; run it in the background with your shell");
        when(
                load,
                "--load",
                "the image is in strata's store; for docker use -o type=docker,dest=image.tar and"
                        + " docker load -i image.tar");
        policy.ifPresent(p -> fail("--policy", "strata has no source policies; pin FROM images by digest"));
        when(
                squash,
                "--squash",
                "squash by copying a stage's files into one layer: FROM scratch then" + " COPY --from=STAGE / /");
        when(compress, "--compress", "strata reads the context in place; drop the flag");
        when(stream, "--stream", "strata reads the context in place; drop the flag");
        rm.filter(DockerOnlyFlags::isFalse)
                .ifPresent(v -> fail(
                        "--rm=false",
                        "strata never keeps a RUN's container; use --progress=plain"
                                + " to see a failed step's output"));
        contentTrust.ifPresent(v -> fail(
                "--disable-content-trust",
                "strata does not verify Docker Content Trust;"
                        + " drop the flag and pin FROM images by digest (verify them with cosign or notation)"));
        if (!securityOpt.isEmpty()) {
            fail(
                    "--security-opt " + securityOpt.get(0),
                    "RUN gets the runtime's default profile; choose the"
                            + " runtime with --isolation=crun|runc|chroot");
        }
        memory.ifPresent(v ->
                fail("--memory", "limit strata itself: systemd-run --scope -p MemoryMax=" + v + " strata build ..."));
        memorySwap.ifPresent(v -> fail(
                "--memory-swap",
                "limit strata itself: systemd-run --scope -p" + " MemorySwapMax=" + v + " strata build ..."));
        cpuShares.ifPresent(v -> fail(
                "--cpu-shares",
                "limit strata itself: systemd-run --scope -p CPUWeight=" + v + " strata build ..., or nice"));
        cpuQuota.ifPresent(v -> fail(
                "--cpu-period/--cpu-quota",
                "limit strata itself: systemd-run --scope -p" + " CPUQuota=50% strata build ..."));
        cpuset.ifPresent(
                v -> fail("--cpuset-cpus/--cpuset-mems", "pin strata itself: taskset -c " + v + " strata build ..."));
    }

    private static boolean isFalse(String v) {
        return v.strip().toLowerCase(Locale.ROOT).equals("false") || v.strip().equals("0");
    }

    private static void when(boolean given, String flag, String instead) {
        if (given) {
            fail(flag, instead);
        }
    }

    private static void fail(String flag, String instead) {
        throw StrataException.input(flag + " is not supported by strata build: " + instead);
    }
}
