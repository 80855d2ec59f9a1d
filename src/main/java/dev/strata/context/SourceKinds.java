package dev.strata.context;

import java.util.Locale;

/** How docker tells URL and git sources from local paths in ADD/COPY. */
final class SourceKinds {
    private SourceKinds() {}

    static boolean isUrl(String s) {
        String l = s.toLowerCase(Locale.ROOT);
        return l.startsWith("http://") || l.startsWith("https://");
    }

    static boolean isGit(String s) {
        String l = s.toLowerCase(Locale.ROOT);
        if (l.startsWith("git@") || l.startsWith("git://") || l.startsWith("ssh://")) {
            return true;
        }
        if (isUrl(s)) {
            String noFragment = l.contains("#") ? l.substring(0, l.indexOf('#')) : l;
            return noFragment.endsWith(".git");
        }
        return false;
    }
}
