package dev.strata.exec;

import dev.strata.error.StrataException;
import java.util.Locale;

/** How a RUN step is isolated: an OCI runtime (crun, runc) or plain namespaces + chroot. */
public enum Isolation {
    CRUN("crun"),
    RUNC("runc"),
    /** {@code unshare} namespaces and a chroot, for machines without an OCI runtime. */
    CHROOT("chroot");

    private final String flag;

    Isolation(String flag) {
        this.flag = flag;
    }

    /** The value as written on the command line ({@code --isolation=crun}). */
    public String flag() {
        return flag;
    }

    /** Parses {@code crun|runc|chroot}, as given to {@code --isolation}. */
    public static Isolation parse(String value) {
        for (Isolation i : values()) {
            if (i.flag.equals(value.toLowerCase(Locale.ROOT))) {
                return i;
            }
        }
        throw StrataException.input("--isolation=" + value + " is not known: use crun, runc or chroot");
    }
}
