package dev.strata.exec;

import dev.strata.archive.UserNamespace;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

/**
 * The sh script a step runs in its own mount namespace: mount the overlay (short relative lowerdir
 * names keep the option string small), put secrets on a tmpfs (read from stdin, so they never touch
 * a disk), then start the runtime or chroot. Every mount dies with the namespace, even if strata is
 * killed; nothing needs unmounting afterwards.
 */
final class SetupScript {
    private final List<String> lines = new ArrayList<>();

    SetupScript(int lowerCount, List<MountPlan.SecretFile> secrets) {
        lines.add("set -e");
        // setup failures go to a file; the command's own output goes to the pipe
        lines.add("exec 2>bundle/setup.err");
        StringBuilder lower = new StringBuilder("init");
        for (int i = lowerCount - 1; i >= 0; i--) {
            lower.append(":l/").append(i);
        }
        lines.add("mount -t overlay overlay -o lowerdir=" + lower
                + ",upperdir=upper,workdir=work,metacopy=off,index=off"
                // in a user namespace overlayfs may only write user.overlay.* markers (kernel 5.11+);
                // userxattr implies redirect_dir=nofollow (no redirects made either) and refuses =off
                + (UserNamespace.current().nested() ? ",userxattr" : ",redirect_dir=off")
                + " merged");
        if (!secrets.isEmpty()) {
            lines.add("mount -t tmpfs -o mode=0755,nosuid,nodev tmpfs secrets");
            for (MountPlan.SecretFile s : secrets) {
                String f = "secrets/" + s.name();
                lines.add(s.content().length == 0 ? ": > " + f : "head -c " + s.content().length + " > " + f);
                lines.add("chown " + s.uid() + ":" + s.gid() + " " + f);
                lines.add("chmod " + Integer.toOctalString(s.mode() & 07777) + " " + f);
            }
        }
    }

    /** Adds a line (already quoted). */
    SetupScript add(String line) {
        lines.add(line);
        return this;
    }

    /** Marks setup as done, restores stderr and stdin, and execs {@code command}. */
    String finish(String command) {
        lines.add(": > bundle/ready");
        lines.add("exec 2>&1 </dev/null");
        lines.add("exec " + command);
        return String.join("\n", lines) + "\n";
    }

    /** Lines that mount what a runtime would, for chroot isolation. */
    static List<String> chrootMounts(
            List<String[]> etc, List<MountPlan.Planned> extra, boolean loopbackOnly, String hostname, String shmSize) {
        List<String> l = new ArrayList<>();
        l.add("mount -t proc -o nosuid,noexec,nodev proc merged/proc");
        l.add("mount -t tmpfs -o nosuid,mode=755,size=65536k tmpfs merged/dev");
        l.add(
                "for d in null zero full random urandom tty; do : > merged/dev/$d; mount --bind /dev/$d merged/dev/$d; done");
        l.add("mkdir merged/dev/pts merged/dev/shm");
        l.add("mount -t devpts -o nosuid,noexec,newinstance,ptmxmode=0666,mode=0620 devpts merged/dev/pts");
        l.add("ln -s pts/ptmx merged/dev/ptmx; ln -s /proc/self/fd merged/dev/fd");
        l.add("ln -s /proc/self/fd/0 merged/dev/stdin; ln -s /proc/self/fd/1 merged/dev/stdout;"
                + " ln -s /proc/self/fd/2 merged/dev/stderr");
        l.add("mount -t tmpfs -o nosuid,nodev,noexec,mode=1777,size=" + shmSize + " shm merged/dev/shm");
        if (UserNamespace.current().nested() && !loopbackOnly) {
            // sysfs mounts only for the owner of the network namespace; the host's is not ours
            l.add("mount --rbind /sys merged/sys && mount -o remount,bind,ro merged/sys");
        } else {
            l.add("mount -t sysfs -o ro,nosuid,nodev,noexec sysfs merged/sys");
        }
        for (String[] e : etc) {
            bind(l, e[1], e[0], true);
        }
        for (MountPlan.Planned p : extra) {
            String dst = Shell.quote("merged" + p.destination());
            // a target under /dev lost its init-layer stub to the /dev tmpfs: make it there (runtimes do too)
            boolean dir = p.tmpfs() || Files.isDirectory(p.source());
            l.add("[ -e " + dst + " ] || { mkdir -p \"$(dirname " + dst + ")\" && " + (dir ? "mkdir " : ": > ") + dst
                    + "; }");
            if (p.tmpfs()) {
                l.add("mount -t tmpfs -o nosuid,nodev"
                        + (p.size().isPresent() ? ",size=" + p.size().getAsLong() : "") + " tmpfs " + dst);
            } else {
                bind(l, p.source().toString(), p.destination(), p.readonly());
            }
        }
        if (loopbackOnly) {
            l.add("ip link set lo up");
        }
        l.add("hostname " + Shell.quote(hostname));
        return l;
    }

    private static void bind(List<String> l, String source, String destination, boolean readonly) {
        String dst = Shell.quote("merged" + destination);
        l.add("mount --rbind " + Shell.quote(source) + " " + dst);
        if (readonly) {
            l.add("mount -o remount,bind,ro " + dst);
        }
    }
}
