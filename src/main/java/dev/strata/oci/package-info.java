/** Value types of the OCI image model: digests, descriptors, media types, manifests, indexes, image configs, platforms and references; manifests keep their raw bytes. */
package dev.strata.oci;
