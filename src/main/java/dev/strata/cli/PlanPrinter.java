package dev.strata.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.dockerfile.AddInstruction;
import dev.strata.dockerfile.BaseDirectory;
import dev.strata.dockerfile.BaseImage;
import dev.strata.dockerfile.BaseStage;
import dev.strata.dockerfile.BuildPlan;
import dev.strata.dockerfile.CopyInstruction;
import dev.strata.dockerfile.ExpandedStep;
import dev.strata.dockerfile.Heredoc;
import dev.strata.dockerfile.Instruction;
import dev.strata.dockerfile.InstructionText;
import dev.strata.dockerfile.ResolvedStage;
import dev.strata.dockerfile.RunInstruction;
import dev.strata.dockerfile.StageBase;
import dev.strata.dockerfile.StageScope;
import dev.strata.dockerfile.Warning;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code strata build --print=outline|plan}: the stages a build needs and their steps expanded as far
 * as they can be without the base image (its ENV is unknown, so {@code $VAR} from it stays as written).
 */
final class PlanPrinter {
    private final BuildPlan plan;

    PlanPrinter(BuildPlan plan) {
        this.plan = plan;
    }

    void print(String what, String format, PrintWriter out) {
        boolean steps = what.equals("plan");
        if (format.equals("json")) {
            ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            try {
                out.println(json.writeValueAsString(toJson(json, steps)));
            } catch (JsonProcessingException e) {
                throw new UncheckedIOException(e);
            }
        } else {
            text(steps, out);
        }
        out.flush();
    }

    private static String base(StageBase b, BuildPlan plan) {
        if (b instanceof BaseImage i) {
            return i.reference();
        }
        if (b instanceof BaseStage s) {
            return "stage " + plan.dockerfile().stages().get(s.index()).displayName();
        }
        if (b instanceof BaseDirectory d) {
            return "build context " + d.name();
        }
        return "scratch";
    }

    private void text(boolean steps, PrintWriter out) {
        ResolvedStage target = plan.target();
        out.println(plan.dockerfile().file() + ": " + plan.dockerfile().stages().size() + " stage(s), building "
                + plan.stages().size() + ", target " + target.stage().displayName());
        Map<Integer, Map<String, String>> finalEnv = new HashMap<>();
        for (ResolvedStage rs : plan.stages()) {
            StringBuilder head = new StringBuilder("stage ").append(rs.stage().displayName());
            head.append(": FROM ")
                    .append(base(rs.base(), plan))
                    .append(" [")
                    .append(rs.platform())
                    .append(']');
            if (!rs.dependencies().isEmpty()) {
                head.append(" needs ")
                        .append(String.join(
                                ", ",
                                rs.dependencies().stream()
                                        .map(i -> plan.dockerfile()
                                                .stages()
                                                .get(i)
                                                .displayName())
                                        .toList()));
            }
            head.append("  (").append(rs.stage().from().node().position()).append(')');
            out.println(head);
            StageScope scope = plan.partialScope(rs, baseEnv(rs, finalEnv));
            for (Instruction ins : rs.stage().instructions()) {
                ExpandedStep step = scope.expand(ins);
                scope = step.next();
                if (steps) {
                    out.println("  " + ins.node().position().line() + ": " + InstructionText.render(step.expanded()));
                }
            }
            finalEnv.put(rs.index(), scope.env());
            if (!steps) {
                out.println("  " + rs.stage().instructions().size() + " instruction(s)");
            }
        }
        for (Warning w : plan.warnings()) {
            out.println(w);
        }
    }

    private static Map<String, String> baseEnv(ResolvedStage rs, Map<Integer, Map<String, String>> finalEnv) {
        return rs.base() instanceof BaseStage b ? finalEnv.getOrDefault(b.index(), Map.of()) : Map.of();
    }

    private static List<Heredoc> heredocs(Instruction ins) {
        if (ins instanceof RunInstruction r) {
            return r.heredocs();
        } else if (ins instanceof CopyInstruction c) {
            return c.heredocs();
        } else if (ins instanceof AddInstruction a) {
            return a.heredocs();
        }
        return List.of();
    }

    private ObjectNode toJson(ObjectMapper json, boolean steps) {
        ObjectNode root = json.createObjectNode();
        root.put("dockerfile", plan.dockerfile().file());
        root.put("target", plan.target().stage().displayName());
        ObjectNode globals = root.putObject("globalArgs");
        plan.globalArgs().forEach(globals::put);
        ArrayNode stages = root.putArray("stages");
        Map<Integer, Map<String, String>> finalEnv = new HashMap<>();
        for (ResolvedStage rs : plan.stages()) {
            ObjectNode s = stages.addObject();
            s.put("index", rs.index());
            rs.stage().name().ifPresentOrElse(n -> s.put("name", n), () -> s.putNull("name"));
            ObjectNode b = s.putObject("base");
            if (rs.base() instanceof BaseImage i) {
                b.put("image", i.reference());
            } else if (rs.base() instanceof BaseStage st) {
                b.put("stage", st.index());
            } else if (rs.base() instanceof BaseDirectory d) {
                b.put("context", d.name());
            } else {
                b.put("scratch", true);
            }
            s.put("platform", rs.platform());
            s.put("line", rs.stage().from().node().position().line());
            ArrayNode deps = s.putArray("dependsOn");
            rs.dependencies().forEach(deps::add);
            StageScope scope = plan.partialScope(rs, baseEnv(rs, finalEnv));
            ArrayNode list = steps ? s.putArray("steps") : null;
            for (Instruction ins : rs.stage().instructions()) {
                ExpandedStep step = scope.expand(ins);
                scope = step.next();
                if (list != null) {
                    ObjectNode o = list.addObject();
                    o.put("line", ins.node().position().line());
                    o.put("column", ins.node().position().column());
                    o.put("instruction", ins.keyword());
                    o.put("source", ins.node().source());
                    o.put("expanded", InstructionText.render(step.expanded()));
                    o.put("arguments", InstructionText.arguments(step.expanded()));
                    ArrayNode flags = o.putArray("flags");
                    InstructionText.flags(step.expanded()).forEach(flags::add);
                    ObjectNode args = o.putObject("args");
                    step.args().forEach(args::put);
                    ObjectNode env = o.putObject("env");
                    step.env().forEach(env::put);
                    List<Heredoc> heredocs = heredocs(step.expanded());
                    if (!heredocs.isEmpty()) {
                        ArrayNode hs = o.putArray("heredocs");
                        for (Heredoc h : heredocs) {
                            hs.addObject()
                                    .put("name", h.name())
                                    .put("content", h.content())
                                    .put("expand", h.expand());
                        }
                    }
                }
            }
            finalEnv.put(rs.index(), scope.env());
            s.put("instructions", rs.stage().instructions().size());
        }
        ArrayNode warnings = root.putArray("warnings");
        for (Warning w : plan.warnings()) {
            ObjectNode o = warnings.addObject();
            o.put("rule", w.rule());
            o.put("line", w.position().line());
            o.put("column", w.position().column());
            o.put("message", w.message());
        }
        return root;
    }
}
