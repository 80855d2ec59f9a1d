package dev.strata.archive;

import com.github.luben.zstd.ZstdOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;

/**
 * Builds tar bytes header by header, so tests can write what no well-behaved tar library would:
 * size fields that lie, PAX records with absurd lengths, names with '..' hidden in PAX headers; and
 * the one-entry skeletons other packages' tests forge.
 */
public final class RawTar {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    /** One ustar header; {@code sizeField} is written verbatim as the octal size. */
    public RawTar header(String name, char type, String sizeField, String link) {
        return header(name, type, "0000644", sizeField, link);
    }

    /** A directory entry {@code name} (ending in '/'), mode 0755. */
    public RawTar directory(String name) {
        return header(name, '5', "0000755", "00000000000", "");
    }

    private RawTar header(String name, char type, String mode, String sizeField, String link) {
        byte[] h = new byte[512];
        put(h, 0, 100, name);
        put(h, 100, 8, mode);
        put(h, 108, 8, "0000000");
        put(h, 116, 8, "0000000");
        put(h, 124, 12, sizeField);
        put(h, 136, 12, "00000000000");
        h[156] = (byte) type;
        put(h, 157, 100, link);
        put(h, 257, 6, "ustar");
        put(h, 263, 2, "00");
        Arrays.fill(h, 148, 156, (byte) ' ');
        long sum = 0;
        for (byte b : h) {
            sum += b & 0xff;
        }
        put(h, 148, 8, String.format("%06o", sum));
        h[154] = 0;
        out.writeBytes(h);
        return this;
    }

    /** A regular file entry with its content, padded to the block size. */
    public RawTar file(String name, String content) {
        byte[] c = content.getBytes(StandardCharsets.UTF_8);
        header(name, '0', String.format("%011o", c.length), "");
        return data(c);
    }

    /** A PAX extended header ('x') carrying the given raw records, e.g. "13 path=a/b\n". */
    RawTar pax(String records) {
        byte[] c = records.getBytes(StandardCharsets.UTF_8);
        header("PaxHeaders/x", 'x', String.format("%011o", c.length), "");
        return data(c);
    }

    /** One PAX record with its correct length prefix, e.g. record("path", "a/b") = "13 path=a/b\n". */
    static String record(String key, String value) {
        int body = key.length() + value.length() + 3; // ' ', '=', '\n'
        int len = body + Integer.toString(body).length();
        if (Integer.toString(len).length() != Integer.toString(body).length()) {
            len++;
        }
        return len + " " + key + "=" + value + "\n";
    }

    /** Raw bytes padded to a whole block. */
    RawTar data(byte[] c) {
        out.writeBytes(c);
        out.writeBytes(new byte[(512 - c.length % 512) % 512]);
        return this;
    }

    /** The two zero blocks that end an archive. */
    public RawTar end() {
        out.writeBytes(new byte[1024]);
        return this;
    }

    public byte[] bytes() {
        return out.toByteArray();
    }

    public static byte[] gzip(byte[] tar) throws IOException {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        try (OutputStream g = new GZIPOutputStream(o)) {
            g.write(tar);
        }
        return o.toByteArray();
    }

    static byte[] zstd(byte[] tar) throws IOException {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        try (OutputStream z = new ZstdOutputStream(o)) {
            z.write(tar);
        }
        return o.toByteArray();
    }

    private static void put(byte[] h, int off, int len, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(b, 0, h, off, Math.min(len, b.length));
    }
}
