package dev.strata.context;

import dev.strata.error.StrataException;
import java.util.Optional;

/**
 * A numeric owner for copied files. {@link #resolve} reads a {@code --chown} value the way BuildKit
 * does: a number is used as is (a lone uid also becomes the gid), a name is looked up in the image's
 * /etc/passwd (a lone user name takes that user's primary group) or /etc/group.
 */
public record Owner(int uid, int gid) {
    /** root:root, what docker gives files copied from the build context. */
    public static final Owner ROOT = new Owner(0, 0);

    /** Resolves {@code user[:group]} against the image's user and group databases. */
    public static Owner resolve(String spec, ImageView image) {
        String user = spec;
        Optional<String> group = Optional.empty();
        int colon = spec.indexOf(':');
        if (colon >= 0) {
            user = spec.substring(0, colon);
            group = Optional.of(spec.substring(colon + 1));
        }
        if (user.isEmpty() || (group.isPresent() && group.get().isEmpty())) {
            throw StrataException.input(
                    "invalid --chown value '" + spec + "': expected USER, USER:GROUP, UID or" + " UID:GID");
        }
        int uid;
        int gid;
        if (numeric(user)) {
            uid = parseId(user, spec);
            gid = uid;
        } else {
            String[] row = lookup(image, "/etc/passwd", user, spec, "user");
            uid = parseId(row[2], spec);
            gid = parseId(row[3], spec);
        }
        if (group.isPresent()) {
            gid = numeric(group.get())
                    ? parseId(group.get(), spec)
                    : parseId(lookup(image, "/etc/group", group.get(), spec, "group")[2], spec);
        }
        return new Owner(uid, gid);
    }

    private static String[] lookup(ImageView image, String file, String name, String spec, String what) {
        String text = image.readFile(file)
                .orElseThrow(() -> StrataException.input("--chown=" + spec
                        + ": cannot look up " + what + " '" + name + "' because the image has no " + file
                        + "; use a numeric id instead"));
        for (String line : text.split("\n")) {
            String[] f = line.split(":", -1);
            if (f.length >= 3 && f[0].equals(name) && (!what.equals("user") || f.length >= 4)) {
                return f;
            }
        }
        throw StrataException.input("--chown=" + spec + ": unknown " + what + " '" + name + "' (not in the image's "
                + file + "); create it in an earlier RUN step or use a numeric id");
    }

    private static boolean numeric(String s) {
        return !s.isEmpty() && s.chars().allMatch(c -> c >= '0' && c <= '9');
    }

    private static int parseId(String s, String spec) {
        try {
            long v = Long.parseLong(s.strip());
            if (v < 0 || v > 0xFFFFFFFEL) {
                throw new NumberFormatException();
            }
            return (int) v;
        } catch (NumberFormatException e) {
            throw StrataException.input("--chown=" + spec + ": '" + s + "' is not a valid numeric id");
        }
    }
}
