/** The build context: walking, .dockerignore, content digests of file sets and COPY source resolution. */
package dev.strata.context;
