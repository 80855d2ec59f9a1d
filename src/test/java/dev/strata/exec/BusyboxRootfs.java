package dev.strata.exec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A busybox root filesystem dir made from the host's busybox-static, for RUN tests. */
public final class BusyboxRootfs {
    private BusyboxRootfs() {}

    /**
     * Makes {@code dir} a rootfs: bin/busybox with a symlink per applet, etc/passwd (root, and
     * "app" uid 1000 gid 1000 in group "extra" 2000), etc/group, an empty tmp (1777) and root.
     */
    public static Path create(Path dir) {
        try {
            Path bin = Files.createDirectories(dir.resolve("bin"));
            Path busybox = Path.of("/bin/busybox");
            Files.copy(busybox, bin.resolve("busybox"));
            for (String applet : applets(busybox)) {
                if (!applet.equals("busybox")) {
                    Files.createSymbolicLink(bin.resolve(applet), Path.of("busybox"));
                }
            }
            Path etc = Files.createDirectories(dir.resolve("etc"));
            Files.writeString(
                    etc.resolve("passwd"),
                    "root:x:0:0:root:/root:/bin/sh\n"
                            + "app:x:1000:1000:app:/home/app:/bin/sh\n"
                            + "nobody:x:65534:65534:nobody:/nonexistent:/bin/false\n");
            Files.writeString(etc.resolve("group"), "root:x:0:\napp:x:1000:\nextra:x:2000:app\nnogroup:x:65534:\n");
            Files.createDirectories(dir.resolve("root"));
            Files.createDirectories(dir.resolve("home/app"));
            Files.setAttribute(dir.resolve("home/app"), "unix:uid", 1000);
            Path tmp = Files.createDirectories(dir.resolve("tmp"));
            Files.setAttribute(tmp, "unix:mode", 01777);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> applets(Path busybox) throws IOException {
        Process p = new ProcessBuilder(busybox.toString(), "--list")
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        List<String> names = new ArrayList<>();
        for (String line : out.split("\n")) {
            if (!line.isBlank() && !line.contains("/")) {
                names.add(line.trim());
            }
        }
        return names;
    }
}
