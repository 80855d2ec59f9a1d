package dev.strata.cli;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/** Bytes to a PrintWriter, line by line (UTF-8), so renderers that take a PrintStream can write to picocli's streams. */
final class WriterStream extends OutputStream {
    private final PrintWriter out;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    WriterStream(PrintWriter out) {
        this.out = out;
    }

    @Override
    public synchronized void write(int b) {
        line.write(b);
        if (b == '\n') {
            flush();
        }
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
        for (int i = off; i < off + len; i++) {
            write(b[i]);
        }
    }

    @Override
    public synchronized void flush() {
        if (line.size() > 0) {
            out.print(line.toString(StandardCharsets.UTF_8));
            line.reset();
        }
        out.flush();
    }
}
