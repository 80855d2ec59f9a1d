/** Build events and their renderers (plain, tty, json). */
package dev.strata.progress;
