package dev.strata.cache;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.UnaryOperator;

/**
 * Why a step missed: the inputs that differ from the nearest earlier record. {@code reason} is the
 * user-facing part ("file /app/x changed"), {@code changed} the individual differences.
 */
public record MissExplanation(String instruction, String reason, List<String> changed) {
    public MissExplanation {
        changed = List.copyOf(changed);
    }

    /** The instruction (shortened) and the reason: "COPY x /app/: file /app/x changed". */
    public String summary() {
        return instruction + ": " + reason;
    }

    /** Candidates share the parent state (and usually the instruction kind) with {@code wanted}. */
    public static MissExplanation explain(StepInputs wanted, List<CacheRecord> candidates) {
        return explain(wanted, candidates, "the cache");
    }

    public static MissExplanation explain(StepInputs wanted, List<CacheRecord> candidates, String sources) {
        String head = shorten(wanted.instruction());
        List<CacheRecord> same = candidates.stream()
                .filter(c -> c.inputs().parentState().equals(wanted.parentState()))
                .toList();
        if (same.isEmpty()) {
            List<String> ch = candidates.isEmpty() ? List.of() : List.of("parent layers changed");
            String why = candidates.isEmpty()
                    ? "no earlier build of this step on this parent in " + sources
                    : "parent layers changed";
            return new MissExplanation(head, why, ch);
        }
        List<String> best = null;
        for (CacheRecord c : same) {
            List<String> d = diff(wanted, c.inputs());
            if (best == null || d.size() < best.size()) {
                best = d;
            }
        }
        if (best.isEmpty()) {
            best = List.of("cached layer missing");
        }
        return new MissExplanation(head, String.join(", ", best), best);
    }

    /**
     * No record on this parent: compare what this step sees of its parent with what earlier runs of
     * the same instruction saw ({@code sameInstruction}), and name the nearest difference.
     */
    public static MissExplanation parentChanged(
            StepInputs wanted, ParentSummary now, List<CacheRecord> sameInstruction, String sources) {
        List<String> best = null;
        for (CacheRecord c : sameInstruction) {
            if (c.parent().isPresent()) {
                List<String> d = now.diff(c.parent().get());
                if (!d.isEmpty() && (best == null || d.size() < best.size())) {
                    best = d;
                }
            }
        }
        if (best == null) {
            return explain(wanted, List.of(), sources);
        }
        return new MissExplanation(shorten(wanted.instruction()), String.join(", ", best), best);
    }

    /** A step below an earlier miss cannot hit by its own inputs: say which step broke the chain. */
    public static MissExplanation parentMissed(StepInputs wanted, int missedStepId) {
        String why = "parent layers changed (step " + missedStepId + " missed)";
        return new MissExplanation(shorten(wanted.instruction()), why, List.of(why));
    }

    /** The step was not looked up at all (--no-cache): {@code why} says so. */
    public static MissExplanation notLookedUp(StepInputs wanted, String why) {
        return new MissExplanation(shorten(wanted.instruction()), why, List.of());
    }

    static List<String> diff(StepInputs want, StepInputs had) {
        List<String> out = new ArrayList<>();
        if (!want.instruction().equals(had.instruction())) {
            out.add("instruction text changed");
        }
        out.addAll(changes(want.inputs(), had.inputs(), MissExplanation::describe));
        return out;
    }

    /** "NAME removed|added|changed" for each name whose value differs, in name order, named by {@code describe}. */
    static List<String> changes(Map<String, String> want, Map<String, String> had, UnaryOperator<String> describe) {
        List<String> out = new ArrayList<>();
        TreeSet<String> names = new TreeSet<>(want.keySet());
        names.addAll(had.keySet());
        for (String n : names) {
            String a = want.get(n);
            String b = had.get(n);
            if (a == null) {
                out.add(describe.apply(n) + " removed");
            } else if (b == null) {
                out.add(describe.apply(n) + " added");
            } else if (!a.equals(b)) {
                out.add(describe.apply(n) + " changed");
            }
        }
        return out;
    }

    /** "arg:X" -> "build arg X", "file:/p" -> "file /p", others verbatim. */
    static String describe(String input) {
        Map<String, String> prefixes = Map.of(
                "arg:", "build arg ", "file:", "file ", "mount:", "mount ", "env:", "env ", "heredoc:", "heredoc ");
        return prefixes.entrySet().stream()
                .sorted(Map.Entry.comparingByKey(Comparator.reverseOrder()))
                .filter(e -> input.startsWith(e.getKey()))
                .map(e -> e.getValue() + input.substring(e.getKey().length()))
                .findFirst()
                .orElse(input);
    }

    private static String shorten(String instruction) {
        String s = instruction.strip().replaceAll("\\s+", " ");
        return s.length() > 60 ? s.substring(0, 57) + "..." : s;
    }
}
