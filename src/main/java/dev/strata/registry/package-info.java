/** The OCI distribution client on java.net.http: authentication, blobs, manifests, mounts and retries. */
package dev.strata.registry;
