package lunatik.lua.vm;

/** Builds Lua's "stack traceback:" text from a coroutine's call stack. */
final class Traceback {
    private Traceback() {
    }

    static String of(Coroutine co, String message, int level) {
        StringBuilder sb = new StringBuilder();
        if (message != null) {
            sb.append(message).append('\n');
        }
        sb.append("stack traceback:");
        java.util.List<CallFrame> all = new java.util.ArrayList<>();
        for (CallFrame f = co.frame(level); f != null; f = f.parent) {
            all.add(f);
        }
        int n = all.size();
        for (int i = 0; i < n; i++) {
            if (n > 22 && i == 10) {
                // as luaL_traceback: the first 10 levels and the last 11
                sb.append("\n\t...\t(skipping ").append(n - 21).append(" levels)");
                i = n - 11;
            }
            CallFrame f = all.get(i);
            sb.append("\n\t");
            if (f.isLua()) {
                int line = f.visibleLine();
                sb.append(f.shortSource()).append(line > 0 ? ":" + line : "").append(": in ");
                sb.append(f.describe());
            } else {
                sb.append("[C]: in ").append(f.describe());
            }
        }
        return sb.toString();
    }
}
