package dev.strata.store;

import dev.strata.error.StrataException;
import dev.strata.oci.BlobSource;
import dev.strata.oci.Descriptor;
import dev.strata.oci.Digest;
import dev.strata.oci.Image;
import dev.strata.oci.ImageConfig;
import dev.strata.oci.Index;
import dev.strata.oci.Layer;
import dev.strata.oci.Manifest;
import dev.strata.oci.MediaType;
import dev.strata.oci.Platform;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An OCI image layout directory read as a source of images ({@code FROM oci-layout://DIR[:tag]}).
 * Manifests and configs are read (and verified) up front; layer bytes stay in the directory until opened.
 */
public final class OciLayout {
    private final Path dir;
    private final Index index;

    private OciLayout(Path dir, Index index) {
        this.dir = dir;
        this.index = index;
    }

    /** Opens the layout at {@code dir}; an input error if it is not an OCI image layout. */
    public static OciLayout open(Path dir) {
        if (!Files.isRegularFile(dir.resolve("oci-layout")) || !Files.isRegularFile(dir.resolve("index.json"))) {
            throw StrataException.input(
                    dir + " is not an OCI image layout (it needs an oci-layout file and an index.json);"
                            + " write one with `strata save --format oci` or `skopeo copy ... oci:DIR`");
        }
        try {
            return new OciLayout(dir, Index.parse(Files.readAllBytes(dir.resolve("index.json")), MediaType.OCI_INDEX));
        } catch (IOException e) {
            throw StrataException.input("cannot read " + dir.resolve("index.json") + ": " + e.getMessage(), e);
        } catch (StrataException e) {
            throw StrataException.input("the OCI layout " + dir + " has a bad index.json: " + e.getMessage(), e);
        }
    }

    /**
     * The image named by {@code DIR[:TAG]} (the part after {@code oci-layout://}). Tags may hold ':'
     * and '/' themselves (strata saves {@code name:tag}), so the directory is the shortest prefix
     * ending before a ':' that is an OCI layout; without one the whole text is the directory.
     */
    public static Image resolve(String spec, Platform platform) {
        for (int i = spec.indexOf(':'); i > 0; i = spec.indexOf(':', i + 1)) {
            Path dir = Path.of(spec.substring(0, i));
            if (Files.isRegularFile(dir.resolve("oci-layout"))) {
                String tag = spec.substring(i + 1);
                return open(dir).image(tag.isEmpty() ? Optional.empty() : Optional.of(tag), platform);
            }
        }
        return open(Path.of(spec)).image(Optional.empty(), platform);
    }

    public Path dir() {
        return dir;
    }

    /** The tags (ref.name annotations) of the layout's index. */
    public List<String> tags() {
        List<String> out = new ArrayList<>();
        for (Descriptor d : index.manifests()) {
            Optional.ofNullable(d.annotations().get(Store.REF_NAME)).ifPresent(out::add);
        }
        return out;
    }

    /**
     * The image tagged {@code tag} (org.opencontainers.image.ref.name), or the only entry when no
     * tag is given; a nested index is resolved for {@code platform}. Layers are read lazily.
     */
    public Image image(Optional<String> tag, Platform platform) {
        Descriptor d;
        if (tag.isPresent()) {
            d = index.manifests().stream()
                    .filter(m -> tag.get().equals(m.annotations().get(Store.REF_NAME)))
                    .findFirst()
                    .orElseThrow(() -> StrataException.input("the OCI layout " + dir + " has no image tagged '"
                            + tag.get() + "'; its tags: " + (tags().isEmpty() ? "none" : String.join(", ", tags()))));
        } else if (index.manifests().size() == 1) {
            d = index.manifests().get(0);
        } else if (index.manifests().stream().anyMatch(m -> m.platform().isPresent())) {
            d = index.select(platform, "the OCI layout " + dir);
        } else {
            throw StrataException.input(
                    "the OCI layout " + dir + " holds " + index.manifests().size()
                            + " images; name one as oci-layout://" + dir + ":TAG (tags: "
                            + (tags().isEmpty() ? "none" : String.join(", ", tags())) + ")");
        }
        for (int depth = 0; MediaType.isIndex(d.mediaType()); depth++) {
            if (depth > 4) {
                throw StrataException.input("the OCI layout " + dir + " nests indexes too deeply at " + d.digest());
            }
            d = Index.parse(read(d.digest()), d.mediaType())
                    .select(platform, "the OCI layout " + dir + " index " + d.digest());
        }
        if (!MediaType.isManifest(d.mediaType())) {
            throw StrataException.input("the OCI layout " + dir + " entry " + d.digest() + " has media type "
                    + d.mediaType() + ", not an image manifest or index");
        }
        Manifest m = Manifest.parse(read(d.digest()), d.mediaType());
        byte[] cfg = read(m.config().digest());
        ImageConfig config = ImageConfig.parse(cfg);
        if (config.diffIds().size() != m.layers().size()) {
            throw StrataException.input("image " + m.digest() + " in the OCI layout " + dir + " has "
                    + m.layers().size() + " layers but its config lists "
                    + config.diffIds().size() + " diff_ids");
        }
        BlobSource blobs = desc -> openBlob(desc.digest());
        List<Layer> layers = new ArrayList<>();
        for (int i = 0; i < m.layers().size(); i++) {
            layers.add(blobs.layer(m.layers().get(i), config.diffIds().get(i)));
        }
        return new StoredImage(m, cfg, layers);
    }

    private Path blob(Digest d) {
        return dir.resolve("blobs").resolve(d.algorithm()).resolve(d.hex());
    }

    private InputStream openBlob(Digest d) throws IOException {
        try {
            return Files.newInputStream(blob(d));
        } catch (NoSuchFileException e) {
            throw StrataException.input(
                    "blob " + d + " is missing from the OCI layout " + dir + "; write the layout again");
        }
    }

    /** A small blob (manifest, index, config), verified against its digest. */
    private byte[] read(Digest d) {
        try (InputStream in = openBlob(d)) {
            byte[] b = in.readAllBytes();
            if (!Digest.fromHash(d.algorithm(), d.newHasher().digest(b)).equals(d)) {
                throw StrataException.input("blob " + d + " in the OCI layout " + dir + " does not match its digest");
            }
            return b;
        } catch (IOException e) {
            throw StrataException.input(
                    "cannot read blob " + d + " of the OCI layout " + dir + ": " + e.getMessage(), e);
        }
    }
}
