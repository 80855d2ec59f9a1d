package dev.strata.exec;

import dev.strata.error.StrataException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A USER value resolved to numbers through the rootfs's /etc/passwd and /etc/group, the way docker
 * does: a numeric uid absent from passwd runs with gid 0; without an explicit group the user's
 * supplementary groups come from /etc/group; with one, there are none.
 *
 * @param home the passwd home directory, "/" when unknown (docker's default HOME)
 */
public record ResolvedUser(int uid, int gid, List<Integer> additionalGids, String home) {

    public ResolvedUser {
        additionalGids = List.copyOf(additionalGids);
    }

    /** Resolves {@code spec} (empty, name, uid, name:group, uid:gid) against {@code rootfs}. */
    public static ResolvedUser resolve(String spec, RootfsView rootfs) {
        String userPart = spec.isEmpty() ? "root" : spec;
        Optional<String> groupPart = Optional.empty();
        int colon = userPart.indexOf(':');
        if (colon >= 0) {
            groupPart = Optional.of(userPart.substring(colon + 1));
            userPart = userPart.substring(0, colon);
        }
        List<String[]> passwd = table(rootfs, "/etc/passwd", 7);
        List<String[]> group = table(rootfs, "/etc/group", 4);
        String[] entry = null;
        for (String[] e : passwd) {
            if (e[0].equals(userPart) || (isNumber(userPart) && e[2].equals(userPart))) {
                entry = e;
                break;
            }
        }
        int uid;
        int gid;
        String home = "/";
        String name = null;
        if (entry != null) {
            uid = parse(entry[2], spec);
            gid = parse(entry[3], spec);
            home = entry[5].isEmpty() ? "/" : entry[5];
            name = entry[0];
        } else if (userPart.equals("root")) {
            uid = 0; // docker runs as root even when the image has no /etc/passwd (FROM scratch)
            gid = 0;
            home = "/root";
        } else if (isNumber(userPart)) {
            uid = parse(userPart, spec);
            gid = 0;
        } else {
            throw StrataException.input("USER " + spec + ": no user " + userPart
                    + " in the image's /etc/passwd; add it in an earlier RUN (adduser) or use a numeric uid");
        }
        List<Integer> extra = new ArrayList<>();
        if (groupPart.isPresent()) {
            gid = groupId(groupPart.get(), group, spec);
        } else if (name != null) {
            for (String[] g : group) {
                for (String member : g[3].split(",")) {
                    if (member.trim().equals(name)) {
                        int id = parse(g[2], spec);
                        if (id != gid && !extra.contains(id)) {
                            extra.add(id);
                        }
                    }
                }
            }
        }
        return new ResolvedUser(uid, gid, extra, home);
    }

    private static int groupId(String g, List<String[]> group, String spec) {
        if (isNumber(g)) {
            return parse(g, spec);
        }
        for (String[] e : group) {
            if (e[0].equals(g)) {
                return parse(e[2], spec);
            }
        }
        throw StrataException.input("USER " + spec + ": no group " + g
                + " in the image's /etc/group; add it in an earlier RUN (addgroup) or use a numeric gid");
    }

    private static List<String[]> table(RootfsView rootfs, String path, int fields) {
        List<String[]> rows = new ArrayList<>();
        Optional<byte[]> bytes = rootfs.read(path);
        if (bytes.isEmpty()) {
            return rows;
        }
        for (String line : new String(bytes.get(), StandardCharsets.UTF_8).split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] parts = line.split(":", -1);
            String[] row = new String[fields];
            for (int i = 0; i < fields; i++) {
                row[i] = i < parts.length ? parts[i] : "";
            }
            rows.add(row);
        }
        return rows;
    }

    private static boolean isNumber(String s) {
        return !s.isEmpty() && s.chars().allMatch(Character::isDigit);
    }

    private static int parse(String s, String spec) {
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            throw StrataException.input("USER " + spec + ": id " + s + " is not a number");
        }
    }
}
