package dev.strata.exec;

import dev.strata.error.StrataException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What {@code docker build}'s {@code --add-host}, {@code --shm-size} and {@code --ulimit} set for
 * every RUN of a build.
 *
 * @param hosts   lines appended to the step's /etc/hosts, in the order given
 * @param shmSize the size of /dev/shm in bytes (docker's default: 64 MiB)
 * @param ulimits resource limits; one for nofile replaces the default
 */
public record ContainerOptions(List<ExtraHost> hosts, OptionalLong shmSize, List<Ulimit> ulimits) {
    /** The /dev/shm size docker gives a build container when {@code --shm-size} is not given. */
    public static final long DEFAULT_SHM = 64L * 1024 * 1024;

    private static final Pattern SIZE = Pattern.compile("(?i)(\\d+(?:\\.\\d+)?)\\s*([kmgtp]?)(i?b)?");

    /** Linux resource names docker's {@code --ulimit} takes, and their OCI names. */
    private static final Map<String, String> RLIMITS = Map.ofEntries(
            Map.entry("as", "RLIMIT_AS"),
            Map.entry("core", "RLIMIT_CORE"),
            Map.entry("cpu", "RLIMIT_CPU"),
            Map.entry("data", "RLIMIT_DATA"),
            Map.entry("fsize", "RLIMIT_FSIZE"),
            Map.entry("locks", "RLIMIT_LOCKS"),
            Map.entry("memlock", "RLIMIT_MEMLOCK"),
            Map.entry("msgqueue", "RLIMIT_MSGQUEUE"),
            Map.entry("nice", "RLIMIT_NICE"),
            Map.entry("nofile", "RLIMIT_NOFILE"),
            Map.entry("nproc", "RLIMIT_NPROC"),
            Map.entry("rss", "RLIMIT_RSS"),
            Map.entry("rtprio", "RLIMIT_RTPRIO"),
            Map.entry("rttime", "RLIMIT_RTTIME"),
            Map.entry("sigpending", "RLIMIT_SIGPENDING"),
            Map.entry("stack", "RLIMIT_STACK"));

    public ContainerOptions {
        hosts = List.copyOf(hosts);
        ulimits = List.copyOf(ulimits);
    }

    /** Nothing beyond docker's defaults. */
    public static ContainerOptions defaults() {
        return new ContainerOptions(List.of(), OptionalLong.empty(), List.of());
    }

    /** True when nothing is set: the key of a RUN stays what it was without these flags. */
    public boolean isDefault() {
        return hosts.isEmpty() && shmSize.isEmpty() && ulimits.isEmpty();
    }

    /** One {@code /etc/hosts} line: {@code address name}. */
    public record ExtraHost(String name, String address) {
        /** {@code name:address} or {@code name=address} (an IPv6 address may hold colons). */
        public static ExtraHost parse(String spec) {
            int eq = spec.indexOf('=');
            int at = eq >= 0 ? eq : spec.indexOf(':');
            String name = at < 0 ? "" : spec.substring(0, at).strip();
            String address = at < 0 ? "" : spec.substring(at + 1).strip();
            if (address.startsWith("[") && address.endsWith("]")) {
                address = address.substring(1, address.length() - 1);
            }
            if (name.isEmpty() || address.isEmpty()) {
                throw StrataException.input(
                        "--add-host \"" + spec + "\" is not NAME:ADDRESS (e.g. --add-host db.internal:10.0.0.5)");
            }
            if (address.equals("host-gateway")) {
                // RUN shares the host's network (or has none): the host is reachable on loopback
                address = "127.0.0.1";
            } else if (!address.matches("[0-9.]+|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*")) {
                throw StrataException.input("--add-host \"" + spec + "\": " + address + " is not an IP address");
            }
            return new ExtraHost(name, address);
        }

        /** The hosts-file line. */
        public String line() {
            return address + "\t" + name;
        }
    }

    /** A resource limit: {@code name} as docker spells it, soft and hard values (-1: unlimited). */
    public record Ulimit(String name, long soft, long hard) {
        /** {@code nofile=1024[:2048]}; a single value is both soft and hard. */
        public static Ulimit parse(String spec) {
            int eq = spec.indexOf('=');
            String name = eq < 0 ? "" : spec.substring(0, eq).strip().toLowerCase(Locale.ROOT);
            if (!RLIMITS.containsKey(name)) {
                throw StrataException.input("--ulimit \"" + spec + "\": use NAME=SOFT[:HARD] with NAME one of "
                        + String.join(", ", RLIMITS.keySet().stream().sorted().toList()));
            }
            String[] values = spec.substring(eq + 1).split(":", -1);
            if (values.length > 2) {
                throw StrataException.input("--ulimit \"" + spec + "\": use NAME=SOFT[:HARD]");
            }
            long soft = number(spec, values[0]);
            long hard = values.length == 2 ? number(spec, values[1]) : soft;
            boolean above = hard != -1 && (soft == -1 || soft > hard);
            if (above) {
                throw StrataException.input("--ulimit \"" + spec + "\": the soft limit is above the hard limit");
            }
            return new Ulimit(name, soft, hard);
        }

        private static long number(String spec, String v) {
            try {
                long n = Long.parseLong(v.strip());
                if (n < -1) {
                    throw new NumberFormatException();
                }
                return n;
            } catch (NumberFormatException e) {
                throw StrataException.input("--ulimit \"" + spec + "\": " + v + " is not a number (-1 is unlimited)");
            }
        }

        /** The OCI runtime spec's name, e.g. RLIMIT_NOFILE. */
        public String ociType() {
            return RLIMITS.get(name);
        }

        /** {@code prlimit}'s long option for this limit, e.g. {@code --nofile=1024:2048}. */
        String prlimitOption() {
            return "--" + name + "=" + value(soft) + ":" + value(hard);
        }

        private static String value(long v) {
            return v == -1 ? "unlimited" : Long.toString(v);
        }
    }

    /**
     * A size as docker's {@code --shm-size} takes it: bytes, or with a k, m, g, t or p suffix
     * (powers of 1024, an optional b or ib after it, any case).
     */
    public static long parseSize(String flag, String spec) {
        Matcher m = SIZE.matcher(spec.strip());
        if (!m.matches()) {
            throw StrataException.input(flag + " \"" + spec + "\" is not a size: use e.g. 64m, 1g or 1048576");
        }
        String unit = m.group(2).toLowerCase(Locale.ROOT);
        int power = unit.isEmpty() ? 0 : "kmgtp".indexOf(unit) + 1;
        double bytes = Double.parseDouble(m.group(1)) * Math.pow(1024, power);
        if (bytes < 1 || bytes > Long.MAX_VALUE) {
            throw StrataException.input(flag + " \"" + spec + "\" is out of range");
        }
        return (long) bytes;
    }
}
