/** Planner, solver, one executor per instruction and the image exporter. */
package dev.strata.build;
