package dev.strata.engine;

import dev.strata.oci.Artifact;
import dev.strata.oci.Descriptor;
import dev.strata.oci.Digest;
import dev.strata.oci.Image;
import dev.strata.oci.ImageSink;
import dev.strata.oci.Layer;
import dev.strata.oci.LayerOrigin;
import dev.strata.oci.Manifest;
import dev.strata.progress.Transfer;
import dev.strata.progress.TransferMeter;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.util.List;

/**
 * Byte counting for the progress view: layers, sinks and images whose bytes are counted as they
 * are read ({@link TransferMeter}), so the one download path, the one upload path and every cache
 * export report per-blob progress without knowing about progress themselves.
 */
public final class Metered {
    private Metered() {}

    /** An image whose layers count the bytes a push reads from them. */
    public static Image image(Image image, TransferMeter meter, Transfer transfer) {
        List<Layer> layers =
                image.layers().stream().map(l -> layer(l, meter, transfer)).toList();
        return new Image() {
            @Override
            public Manifest manifest() {
                return image.manifest();
            }

            @Override
            public byte[] configBytes() {
                return image.configBytes();
            }

            @Override
            public List<Layer> layers() {
                return layers;
            }
        };
    }

    /** A sink whose blobs count the bytes it reads from them (a cache export). */
    static ImageSink sink(ImageSink sink, TransferMeter meter, Transfer transfer) {
        return new ImageSink() {
            @Override
            public String name() {
                return sink.name();
            }

            @Override
            public boolean holds(Descriptor manifest) {
                return sink.holds(manifest);
            }

            @Override
            public void blob(Artifact artifact, Layer blob) {
                sink.blob(artifact, layer(blob, meter, transfer));
            }

            @Override
            public void blobs(Artifact artifact, List<Layer> blobs) {
                sink.blobs(
                        artifact,
                        blobs.stream().map(b -> layer(b, meter, transfer)).toList());
            }

            @Override
            public void manifest(Artifact artifact) {
                sink.manifest(artifact);
            }
        };
    }

    static Layer layer(Layer layer, TransferMeter meter, Transfer transfer) {
        return new Layer() {
            @Override
            public Descriptor descriptor() {
                return layer.descriptor();
            }

            @Override
            public Digest diffId() {
                return layer.diffId();
            }

            @Override
            public InputStream open() throws IOException {
                InputStream in = layer.open();
                Descriptor d = layer.descriptor();
                return stream(in, meter.start(transfer, d.digest().toString(), d.size()));
            }

            @Override
            public LayerOrigin origin() {
                return layer.origin();
            }
        };
    }

    /** {@code in}, counting what is read; the transfer ends at the end of the bytes or on close. */
    static InputStream stream(InputStream in, TransferMeter.Counter counter) {
        return new FilterInputStream(in) {
            @Override
            public int read() throws IOException {
                int b = super.read();
                if (b < 0) {
                    counter.end();
                } else {
                    counter.add(1);
                }
                return b;
            }

            @Override
            public int read(byte[] buf, int off, int len) throws IOException {
                int n = super.read(buf, off, len);
                if (n < 0) {
                    counter.end();
                } else {
                    counter.add(n);
                }
                return n;
            }

            @Override
            public void close() throws IOException {
                counter.end();
                super.close();
            }
        };
    }

    /** {@code out}, counting what is written into it; the caller ends the transfer. */
    static WritableByteChannel channel(WritableByteChannel out, TransferMeter.Counter counter) {
        return new WritableByteChannel() {
            @Override
            public int write(ByteBuffer src) throws IOException {
                int n = out.write(src);
                counter.add(n);
                return n;
            }

            @Override
            public boolean isOpen() {
                return out.isOpen();
            }

            @Override
            public void close() throws IOException {
                out.close();
            }
        };
    }
}
