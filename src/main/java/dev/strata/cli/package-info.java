/** The picocli commands, a thin layer over the library; nothing uses this package. */
package dev.strata.cli;
