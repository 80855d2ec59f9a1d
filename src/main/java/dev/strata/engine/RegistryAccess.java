package dev.strata.engine;

import dev.strata.registry.RegistryClient;
import dev.strata.registry.RegistryOptions;

/**
 * How a build talks to registries for its {@code FROM} images: the client (transport options,
 * credentials, token cache) and whether to ask the registry even when the store has the tag.
 *
 * @param client     the registry client ({@code --insecure-registry}, {@code --cert-dir}, auth files)
 * @param alwaysPull {@code --pull}: look up every tag in its registry and use a newer digest if there is one
 */
public record RegistryAccess(RegistryClient client, boolean alwaysPull) {

    /** This process's registry settings ($DOCKER_CONFIG, $REGISTRY_AUTH_FILE, ...), store first. */
    public static RegistryAccess defaults() {
        return new RegistryAccess(RegistryClient.create(RegistryOptions.defaults()), false);
    }
}
