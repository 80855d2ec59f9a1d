package dev.strata.engine;

import dev.strata.context.BuildContext;
import dev.strata.context.ContentHasher;

/** The build context and the hasher that digests its files (one per build, so a file is read once). */
record ContextFiles(BuildContext context, ContentHasher hasher) {}
