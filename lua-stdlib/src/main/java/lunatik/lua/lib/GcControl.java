package lunatik.lua.lib;

import lunatik.lua.value.Varargs;
import lunatik.lua.vm.Args;
import lunatik.lua.vm.Dialect;
import lunatik.lua.vm.LuaState;
import lunatik.lua.vm.Ops;

/**
 * {@code collectgarbage}: the JVM's collector does the work, and this keeps what Lua's
 * answers are made of, per state: the mode ("incremental" for a new state, as lua_newstate;
 * lunatik-lua switches to "generational" as lua.c does), whether the collector is stopped,
 * and the pause and step multiplier, stored as Lua stores them (a byte holding a quarter of
 * the value, so {@code setpause(1001)} reads back 1000). Inside a {@code __gc} metamethod
 * every option answers fail (nil), as Lua's do while its collector runs.
 */
final class GcControl {
    private static final Object KEY = new Object();

    private boolean generational;
    private boolean stopped;
    private int pause = 200 / 4;   // LUAI_GCPAUSE
    private int stepmul = 100 / 4; // LUAI_GCMUL

    private GcControl() {
    }

    private static GcControl of(LuaState L) {
        GcControl g = L.extension(KEY);
        if (g == null) {
            g = new GcControl();
            L.setExtension(KEY, g);
        }
        return g;
    }

    /** Puts the state's collector in generational mode (what {@code collectgarbage} then reports). */
    static void setGenerational(LuaState L) {
        of(L).generational = true;
    }

    static Object collectgarbage(LuaState L, Args a) {
        int opt = a.checkOption(1, "collect", "collect", "stop", "restart", "count", "step", "isrunning",
            "incremental", "generational", "setpause", "setstepmul");
        if (L.isFinalizing()) {
            return Varargs.of((Object) null);
        }
        GcControl g = of(L);
        return switch (opt) {
            case 0 -> {
                L.fullGc();
                yield 0L;
            }
            case 1, 2 -> {
                g.stopped = opt == 1;
                yield 0L;
            }
            case 3 -> count(L);
            case 4 -> step(L, a.optInteger(2, 0));
            case 5 -> !g.stopped;
            case 6 -> g.setMode(false, a);
            case 7 -> g.setMode(true, a);
            case 8 -> {
                int previous = g.pause * 4;
                g.pause = param(a.optInteger(2, 0));
                yield (long) previous;
            }
            default -> {
                int previous = g.stepmul * 4;
                g.stepmul = param(a.optInteger(2, 0));
                yield (long) previous;
            }
        };
    }

    /* "count": KiB as a float (FULL), bytes as an integer (KERNEL). */
    private static Object count(LuaState L) {
        long used = MemoryAccounting.usedBytes(L);
        return L.dialect == Dialect.KERNEL ? (Object) used : (Object) (used / 1024.0);
    }

    /* A step is a full collection here, which ends a cycle: true; a negative step does nothing. */
    private static Object step(LuaState L, long n) {
        if (n < 0) {
            return Boolean.FALSE;
        }
        L.fullGc();
        return Boolean.TRUE;
    }

    /* "incremental" [pause, stepmul, stepsize] and "generational" [minormul, majormul]: the previous mode. */
    private Object setMode(boolean gen, Args a) {
        String previous = generational ? "generational" : "incremental";
        if (!gen) {
            int p = (int) a.optInteger(2, 0);
            int s = (int) a.optInteger(3, 0);
            a.optInteger(4, 0);
            if (s != 0) {
                stepmul = param(s);
            }
            if (p != 0) {
                pause = param(p);
            }
        } else {
            a.optInteger(2, 0);
            a.optInteger(3, 0);
        }
        generational = gen;
        return Ops.str(previous);
    }

    /* Lua's setgcparam: a C int, divided by 4, kept in a byte. */
    private static int param(long v) {
        return ((int) v / 4) & 0xff;
    }
}
