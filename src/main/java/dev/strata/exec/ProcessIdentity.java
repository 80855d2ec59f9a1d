package dev.strata.exec;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Who this process is, from /proc/self/status: effective uid, effective capabilities and whether a
 * seccomp filter (a container's profile) is applied.
 *
 * @param uid          the effective uid
 * @param name         the user name (the JVM's, from the passwd entry)
 * @param capabilities the effective capability mask
 * @param seccomp      0 none, 1 strict, 2 filter
 */
record ProcessIdentity(long uid, String name, BigInteger capabilities, int seccomp) {
    static final int CAP_CHOWN = 0;
    static final int CAP_MKNOD = 27;
    static final int CAP_SYS_CHROOT = 18;
    static final int CAP_SYS_ADMIN = 21;

    static ProcessIdentity current() {
        long uid = -1;
        BigInteger caps = BigInteger.ZERO;
        int seccomp = 0;
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                String[] f = line.split("\\s+");
                if (line.startsWith("Uid:")) {
                    uid = Long.parseLong(f[2]);
                } else if (line.startsWith("CapEff:")) {
                    caps = new BigInteger(f[1], 16);
                } else if (line.startsWith("Seccomp:")) {
                    seccomp = Integer.parseInt(f[1]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // no /proc: treated as an unprivileged process
        }
        return new ProcessIdentity(uid, System.getProperty("user.name", "?"), caps, seccomp);
    }

    boolean root() {
        return uid == 0;
    }

    boolean has(int capability) {
        return capabilities.testBit(capability);
    }
}
