package dev.strata.engine;

import java.nio.charset.StandardCharsets;

/** A ustar archive of one entry written byte by byte, for skeletons and layers a test forges. */
final class TinyTar {
    private TinyTar() {}

    /** One directory entry {@code name} (ending in '/'), mode 0755, then the two end blocks. */
    static byte[] oneDirectory(String name) {
        return one(name, '5', "0000755");
    }

    /** One empty regular file {@code name}, mode 0644, then the two end blocks. */
    static byte[] oneEmptyFile(String name) {
        return one(name, '0', "0000644");
    }

    private static byte[] one(String name, char type, String mode) {
        byte[] h = new byte[512];
        put(h, 0, name);
        put(h, 100, mode);
        put(h, 108, "0000000");
        put(h, 116, "0000000");
        put(h, 124, "00000000000");
        put(h, 136, "00000000000");
        h[156] = (byte) type;
        put(h, 257, "ustar");
        put(h, 263, "00");
        for (int i = 148; i < 156; i++) {
            h[i] = ' ';
        }
        int sum = 0;
        for (byte x : h) {
            sum += x & 0xff;
        }
        put(h, 148, String.format("%06o", sum));
        h[154] = 0;
        byte[] out = new byte[512 * 3];
        System.arraycopy(h, 0, out, 0, 512);
        return out;
    }

    private static void put(byte[] h, int at, String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, h, at, b.length);
    }
}
