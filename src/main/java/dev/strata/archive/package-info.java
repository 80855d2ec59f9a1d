/** Deterministic layer tars, whiteouts, parallel gzip and zstd compression with digest and diffID in one pass, and safe extraction. */
package dev.strata.archive;
