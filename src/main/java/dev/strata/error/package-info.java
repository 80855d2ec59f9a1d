/** The one exception family and the exit codes every package reports through. */
package dev.strata.error;
