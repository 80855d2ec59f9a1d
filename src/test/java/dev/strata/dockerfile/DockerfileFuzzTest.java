package dev.strata.dockerfile;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Map;

/**
 * Jazzer fuzz tests: the parser, resolver and expander on arbitrary input may only fail with
 * {@link DockerfileException}. Without JAZZER_FUZZ they replay the seeds in
 * {@code src/test/resources/dev/strata/dockerfile/DockerfileFuzzTestInputs}; {@code mvn verify} then fuzzes
 * each target a few seconds in a fork of its own, {@code -Plong} ten minutes (pom.xml's fuzz-*
 * executions, docs/RELIABILITY.md).
 */
class DockerfileFuzzTest {

    @FuzzTest(maxDuration = "90s")
    void parseResolveExpand(FuzzedDataProvider data) {
        boolean backtick = data.consumeBoolean();
        String text = (backtick ? "# escape=`\n" : "") + data.consumeRemainingAsString();
        Robustness.parseResolveExpand(text);
    }

    @FuzzTest(maxDuration = "90s")
    void expandWord(FuzzedDataProvider data) {
        char escape = data.consumeBoolean() ? '`' : '\\';
        String value = data.consumeString(20);
        String word = data.consumeRemainingAsString();
        Robustness.expandWord(escape, word, Map.of("V", value, "EMPTY", ""));
    }
}
