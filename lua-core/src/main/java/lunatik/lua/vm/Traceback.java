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
        int n = co.depth();
        for (int i = level; i < n; i++) {
            CallFrame f = co.frame(i);
            sb.append("\n\t");
            if (f.isLua()) {
                sb.append(f.shortSource()).append(':').append(f.currentLine()).append(": in ");
                sb.append(f.describe());
            } else {
                sb.append("[C]: in ").append(f.describe());
            }
        }
        return sb.toString();
    }
}
