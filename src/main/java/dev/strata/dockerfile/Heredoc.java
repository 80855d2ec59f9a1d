package dev.strata.dockerfile;

import java.util.OptionalInt;

/**
 * One here-document of RUN, COPY or ADD. {@code content} ends with a newline per line (tabs already
 * stripped for {@code <<-}); {@code expand} is false when the delimiter was quoted, so COPY/ADD keep
 * the text literally. {@code fd} is the file-descriptor prefix of {@code 3<<EOF}, if any.
 */
public record Heredoc(
        String name, String content, boolean expand, boolean stripTabs, OptionalInt fd, Position position) {

    /** Same heredoc with other content (used by expansion). */
    public Heredoc withContent(String newContent) {
        return new Heredoc(name, newContent, expand, stripTabs, fd, position);
    }
}
