package dev.strata.exec;

/**
 * One line of {@code strata doctor}: what was looked at, how it stands, and what to do about it.
 *
 * @param topic  what was checked ("user namespaces", "crun", "store")
 * @param level  how it stands
 * @param detail what was found, in a sentence
 * @param fix    what to install or change; empty when nothing is needed
 */
public record Finding(String topic, Level level, String detail, String fix) {

    /** How a finding stands; only {@code FAIL} findings of the chosen mode stop a RUN build. */
    public enum Level {
        OK,
        INFO,
        WARN,
        FAIL
    }

    static Finding ok(String topic, String detail) {
        return new Finding(topic, Level.OK, detail, "");
    }

    static Finding info(String topic, String detail) {
        return new Finding(topic, Level.INFO, detail, "");
    }

    static Finding warn(String topic, String detail, String fix) {
        return new Finding(topic, Level.WARN, detail, fix);
    }

    static Finding fail(String topic, String detail, String fix) {
        return new Finding(topic, Level.FAIL, detail, fix);
    }
}
