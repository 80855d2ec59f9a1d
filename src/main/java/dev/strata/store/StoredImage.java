package dev.strata.store;

import dev.strata.error.StrataException;
import dev.strata.oci.Image;
import dev.strata.oci.ImageConfig;
import dev.strata.oci.Layer;
import dev.strata.oci.Manifest;
import java.util.ArrayList;
import java.util.List;

/** An image in the store: manifest and config read up front, layer bytes read only when opened. */
public record StoredImage(Manifest manifest, byte[] configBytes, List<Layer> layers) implements Image {

    public StoredImage {
        configBytes = configBytes.clone();
        layers = List.copyOf(layers);
    }

    @Override
    public byte[] configBytes() {
        return configBytes.clone();
    }

    /** Loads the image whose manifest is {@code manifestBytes} from {@code store}. */
    static StoredImage load(Store store, Manifest m) {
        byte[] cfg = store.readBlob(m.config().digest());
        ImageConfig config = ImageConfig.parse(cfg);
        if (config.diffIds().size() != m.layers().size()) {
            throw StrataException.environment("image " + m.digest() + " in " + store.root() + " has "
                    + m.layers().size() + " layers but its config lists "
                    + config.diffIds().size()
                    + " diff_ids; the image is corrupt, pull or build it again");
        }
        List<Layer> layers = new ArrayList<>();
        for (int i = 0; i < m.layers().size(); i++) {
            layers.add(
                    store.blobSource().layer(m.layers().get(i), config.diffIds().get(i)));
        }
        return new StoredImage(m, cfg, layers);
    }
}
