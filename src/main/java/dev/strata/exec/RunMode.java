package dev.strata.exec;

import java.util.ArrayList;
import java.util.List;

/**
 * How RUN steps can run on this machine, from the most isolated to the least. {@link Doctor}
 * chooses one; docs/exec.md describes each and what it does not protect.
 */
public sealed interface RunMode {

    /** A sentence for progress output and {@code strata doctor}. */
    String describe();

    /** Whether a build with RUN steps can run in this mode. */
    default boolean canRun() {
        return true;
    }

    /** Root of the machine (the initial user namespace): overlayfs and an OCI runtime. */
    record Root() implements RunMode {
        @Override
        public String describe() {
            return "root: overlayfs and an OCI runtime in their own namespaces";
        }
    }

    /**
     * Not root, but user namespaces work: strata runs itself again as uid 0 of a user namespace of
     * its own, mapping the user's /etc/subuid range or, without one, only their own uid.
     */
    record NewUserNamespace(boolean subordinateIds, long ids) implements RunMode {
        /**
         * The command prefix that runs a program as uid 0 of such a namespace: util-linux maps
         * uid 0 to this user and, with --map-auto, 1..N to the subordinate range (by newuidmap).
         */
        public List<String> enter() {
            List<String> cmd = new ArrayList<>(List.of("unshare", "--user", "--map-root-user"));
            if (subordinateIds) {
                cmd.add("--map-auto");
            }
            cmd.add("--");
            return List.copyOf(cmd);
        }

        @Override
        public String describe() {
            return subordinateIds
                    ? "rootless: uid 0 of a user namespace mapping " + ids + " ids (newuidmap, /etc/subuid)"
                    : "rootless, single uid: uid 0 of a user namespace mapping only this user's uid";
        }
    }

    /** Already uid 0 of a nested user namespace (strata's own, or a rootless container's). */
    record InUserNamespace(long ids) implements RunMode {
        @Override
        public String describe() {
            return "rootless: uid 0 of a user namespace mapping " + ids + (ids == 1 ? " id" : " ids");
        }
    }

    /**
     * Root without namespaces or mounts (a container with docker's defaults): a chroot into a copy
     * of the rootfs, the layer found by comparing trees.
     */
    record NoNamespaces() implements RunMode {
        @Override
        public String describe() {
            return "isolation none: no namespaces, a chroot into a copy of the rootfs, layers by comparing trees";
        }
    }

    /** Nothing works: {@code why} says what is missing, {@code fix} what to do. */
    record Unavailable(String why, String fix) implements RunMode {
        @Override
        public String describe() {
            return "RUN cannot run here: " + why;
        }

        @Override
        public boolean canRun() {
            return false;
        }
    }
}
