/**
 * Cache keys, cache records, the local cache, caches imported and exported through a registry ref or
 * an OCI layout directory (their format: {@link dev.strata.cache.CacheManifest}), and miss explanations.
 */
package dev.strata.cache;
