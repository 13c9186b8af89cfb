package lunatik.lua.tests;

import java.util.ArrayList;
import java.util.List;

/** Splits the output of a generated program into the outputs of its cases. */
final class CaseOutputs {
    private CaseOutputs() {
    }

    /**
     * Element 0 is whatever came before the first case mark (normally nothing); element i is the
     * output of case i; a case the program never reached has "&lt;not reached&gt;" as output,
     * and text after the end mark is ignored.
     */
    static List<String> split(String out, int cases) {
        List<StringBuilder> parts = new ArrayList<>();
        for (int i = 0; i <= cases; i++) {
            parts.add(null);
        }
        parts.set(0, new StringBuilder());
        StringBuilder current = parts.get(0);
        for (String line : out.split("\n", -1)) {
            if (line.startsWith(ProgramGenerator.CASE_MARK)) {
                int n = parseCase(line);
                if (n >= 1 && n <= cases) {
                    current = new StringBuilder();
                    parts.set(n, current);
                    continue;
                }
            }
            if (line.equals(ProgramGenerator.END_MARK)) {
                current = new StringBuilder();
                continue;
            }
            current.append(line).append('\n');
        }
        List<String> result = new ArrayList<>(cases + 1);
        for (StringBuilder sb : parts) {
            result.add(sb == null ? "<not reached>\n" : sb.toString());
        }
        return result;
    }

    private static int parseCase(String line) {
        try {
            return Integer.parseInt(line.substring(ProgramGenerator.CASE_MARK.length()).trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
