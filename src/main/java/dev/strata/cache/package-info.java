/** Cache keys, cache records, cache sources and sinks (local, inline, registry ref, directory) and miss explanations. */
package dev.strata.cache;
