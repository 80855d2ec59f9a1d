/** The build engine: planner, stage scheduler, one executor per instruction, cache lookup and the image exporter. */
package dev.strata.engine;
