/** The build engine: planner, stage scheduler, stage runner, one sealed Step per instruction kind, cache lookup and the image exporter (map: docs/ARCHITECTURE.md). */
package dev.strata.engine;
