/** Dockerfile syntax tree with positions, parser directives, heredocs, shell-word expansion, typed instructions and stages. */
package dev.strata.dockerfile;
