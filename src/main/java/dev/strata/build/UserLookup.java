package dev.strata.build;

import dev.strata.error.StrataException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/** USER {@code name[:group]} or {@code uid[:gid]} to numeric ids, through the image's /etc/passwd and /etc/group. */
final class UserLookup {
    private UserLookup() {
    }

    /** {@code [uid, gid]}; the files are read from the topmost layer that has them. */
    static int[] resolve(String user, Path unusedMerged, List<Path> lowerDirs) {
        if (user.isEmpty()) {
            return new int[] {0, 0};
        }
        String name = user;
        Optional<String> group = Optional.empty();
        int colon = user.indexOf(':');
        if (colon >= 0) {
            name = user.substring(0, colon);
            group = Optional.of(user.substring(colon + 1));
        }
        int uid;
        int gid = 0;
        Optional<String[]> row = find(lowerDirs, "etc/passwd", name);
        if (name.matches("[0-9]+")) {
            uid = Integer.parseInt(name);
            gid = row.map(r -> Integer.parseInt(r[3])).orElse(0);
            Optional<String[]> byId = findById(lowerDirs, uid);
            if (byId.isPresent()) {
                gid = Integer.parseInt(byId.get()[3]);
            }
        } else {
            String[] r = row.orElseThrow(() -> StrataException.stepFailed("USER " + user
                    + ": no user named " + user.split(":")[0] + " in the image's /etc/passwd"));
            uid = Integer.parseInt(r[2]);
            gid = Integer.parseInt(r[3]);
        }
        if (group.isPresent()) {
            String g = group.get();
            if (g.matches("[0-9]+")) {
                gid = Integer.parseInt(g);
            } else {
                gid = Integer.parseInt(find(lowerDirs, "etc/group", g).orElseThrow(() -> StrataException.stepFailed(
                        "USER " + user + ": no group named " + g + " in the image's /etc/group"))[2]);
            }
        }
        return new int[] {uid, gid};
    }

    /** HOME as docker sets it: the user's home in the image's /etc/passwd, else /root for root and / for others. */
    static String home(int uid, List<Path> lowerDirs) {
        return findById(lowerDirs, uid).filter(r -> r.length > 5 && !r[5].isEmpty()).map(r -> r[5])
                .orElse(uid == 0 ? "/root" : "/");
    }

    private static Optional<String[]> find(List<Path> layers, String file, String name) {
        for (String line : lines(layers, file)) {
            String[] f = line.split(":", -1);
            if (f.length >= 4 && f[0].equals(name)) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }

    private static Optional<String[]> findById(List<Path> layers, int uid) {
        for (String line : lines(layers, "etc/passwd")) {
            String[] f = line.split(":", -1);
            if (f.length >= 4 && f[2].equals(String.valueOf(uid))) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }

    private static List<String> lines(List<Path> layers, String file) {
        List<Path> top = new ArrayList<>(layers);
        Collections.reverse(top);
        for (Path l : top) {
            Path p = l.resolve(file);
            if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                try {
                    return Files.readAllLines(p);
                } catch (IOException e) {
                    return List.of();
                }
            }
            if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                return List.of(); // a whiteout or something else hides the file
            }
        }
        return List.of();
    }
}
