package dev.strata.dockerfile;

import java.util.ArrayList;
import java.util.List;

/** {@code EXPOSE 80 443/tcp 53/udp 8000-8010}: ports expanded, then checked. */
public record ExposeInstruction(Node node, List<String> ports) implements Instruction {
    public ExposeInstruction {
        ports = List.copyOf(ports);
    }

    @Override
    public ExposeInstruction expand(Expander x) {
        List<String> out = new ArrayList<>();
        for (String p : ports) {
            out.addAll(x.split(node, p));
        }
        out.removeIf(String::isEmpty);
        for (String p : out) {
            if (p.indexOf('$') < 0) {
                InstructionParser.checkPort(node, p);
            }
        }
        return new ExposeInstruction(node, out);
    }
}
