package lunatik.lua.vm;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.EnumSet;
import java.util.IdentityHashMap;
import java.util.Set;
import lunatik.lua.interp.Cell;
import lunatik.lua.interp.LuaClosure;
import lunatik.lua.value.LuaFunction;
import lunatik.lua.value.LuaString;
import lunatik.lua.value.LuaTable;
import lunatik.lua.value.LuaUserdata;
import lunatik.lua.value.Varargs;

/**
 * What a state holds on the JVM heap, for {@code collectgarbage("count")}: a walk of the Lua
 * values reachable from the state (globals, registry, type metatables, every coroutine's
 * frames and the JVM stacks of its Lua functions), adding an estimate of each value's bytes
 * on the heap (compressed references, 8-byte alignment). Several states share the JVM's
 * heap; this counts one state's part of it, like Lua's allocator count, but without the
 * garbage not yet collected, and a value shared with another state counts in both.
 *
 * <p>Compiled functions keep locals in JVM locals; they are read from the JVM stacks through
 * {@code java.lang.LiveStackFrame} (which needs {@code --add-opens java.base/java.lang}; without
 * it those locals are not counted). Only values live at the current call are seen there, which
 * is what a collection would keep.
 */
public final class StateHeap {
    private StateHeap() {
    }

    /** Estimated bytes of the Lua values state {@code L} holds now. */
    public static long liveBytes(LuaState L) {
        if (!countsCompiledLocals() && !WARNED.getAndSet(true)) {
            L.err().println("lunatik: warning: " + limitation());
        }
        Walk w = new Walk();
        L.forEachRoot(w::push);
        w.jvmStack(null);
        w.drain();
        return w.bytes;
    }

    private static final java.util.concurrent.atomic.AtomicBoolean WARNED = new java.util.concurrent.atomic.AtomicBoolean();

    /**
     * Whether the count sees every value compiled Lua functions hold in JVM locals: on the
     * running thread's stack and on suspended coroutines' stacks. False when the JVM does not
     * open java.lang to us (no {@code --add-opens java.base/java.lang=ALL-UNNAMED}: no stack is
     * read) or coroutines run on threads (no {@code --add-exports
     * java.base/jdk.internal.vm=ALL-UNNAMED}: the stacks of suspended coroutines and of their
     * resumers are on other threads). Then the count leaves those values out, and the first
     * count of the JVM prints a warning on the state's error stream.
     */
    public static boolean countsCompiledLocals() {
        return LOCALS != null && Fiber.CONTINUATIONS;
    }

    /** What the count leaves out in this JVM, and why, or null when nothing. */
    public static String limitation() {
        if (countsCompiledLocals()) {
            return null;
        }
        return "the memory count (collectgarbage \"count\", memory budgets) does not see values held in locals of"
            + " compiled Lua functions" + (LOCALS == null ? "" : " of suspended coroutines and their resumers")
            + "; start the JVM with"
            + (LOCALS == null ? " --add-opens java.base/java.lang=ALL-UNNAMED" : "")
            + (Fiber.CONTINUATIONS ? "" : (LOCALS == null ? " and" : "") + " --add-exports java.base/jdk.internal.vm=ALL-UNNAMED")
            + " to count them";
    }

    /** Whether JVM stacks are read (the JVM was started with java.lang opened to us). */
    public static boolean readsJvmStacks() {
        return LOCALS != null;
    }

    private static final MethodHandle THREAD_WALKER;
    private static final Method LOCALS;
    private static final Method STACK;

    static {
        MethodHandle tw = null;
        Method locals = null;
        Method stack = null;
        try {
            Class<?> live = Class.forName("java.lang.LiveStackFrame");
            Method m1 = live.getDeclaredMethod("getStackWalker", Set.class);
            locals = live.getDeclaredMethod("getLocals");
            stack = live.getDeclaredMethod("getStack");
            m1.setAccessible(true);
            locals.setAccessible(true);
            stack.setAccessible(true);
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            tw = lookup.unreflect(m1).asType(MethodType.methodType(StackWalker.class, Set.class));
        } catch (ReflectiveOperationException | RuntimeException e) {
            tw = null;
            locals = null;
            stack = null;
        }
        THREAD_WALKER = tw;
        LOCALS = locals;
        STACK = stack;
    }

    private static final class Walk {
        final Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        final ArrayDeque<Object> todo = new ArrayDeque<>();
        long bytes;

        void push(Object o) {
            if (o == null || o instanceof Boolean) {
                return;
            }
            if (o instanceof Long l && l >= -128 && l <= 127) {
                return; // the JVM's cached boxes
            }
            if (seen.add(o)) {
                todo.add(o);
            }
        }

        void drain() {
            Object o;
            while ((o = todo.poll()) != null) {
                bytes += visit(o);
            }
        }

        /** The bytes of one value; pushes what it refers to. */
        private long visit(Object o) {
            if (o instanceof LuaString s) {
                return 24 + align(16 + s.length());
            } else if (o instanceof Long || o instanceof Double) {
                return 16;
            } else if (o instanceof LuaTable t) {
                return t.heapBytes(this::push);
            } else if (o instanceof Cell c) {
                push(c.v);
                return 16;
            } else if (o instanceof LuaClosure c) {
                Cell[] ups = c.upvalueCells();
                for (Cell u : ups) {
                    push(u);
                }
                return 24 + LuaTable.arrayBytes(ups.length);
            } else if (o instanceof LibFunction f) {
                Object[] held = f.heldValues();
                for (Object v : held) {
                    push(v);
                }
                return 32 + (held.length == 0 ? 0 : LuaTable.arrayBytes(held.length));
            } else if (o instanceof LuaFunction) {
                return 24;
            } else if (o instanceof LuaUserdata u) {
                push(u.getMetatable());
                push(u.getUserValue());
                return 32 + (u.payload() instanceof byte[] b ? align(16 + b.length) : 0);
            } else if (o instanceof Coroutine co) {
                co.forEachValue(this::push);
                Fiber k = co.suspendedContinuation();
                if (k != null) {
                    jvmStack(k);
                }
                return co.isMain() ? 64 : 64 + 1024; // a started coroutine's stack: a rough guess
            } else if (o instanceof Object[] a) {
                for (Object v : a) {
                    push(v);
                }
                return LuaTable.arrayBytes(a.length);
            } else if (o instanceof Varargs v) {
                for (Object x : Varargs.toArray(v)) {
                    push(x);
                }
                return 24 + LuaTable.arrayBytes(v.count());
            }
            return 0; // not a Lua value (a frame's Java objects)
        }

        /** The locals and operands of the Lua functions' JVM frames on a stack. */
        void jvmStack(Fiber k) {
            if (LOCALS == null) {
                return;
            }
            Set<StackWalker.Option> opts = EnumSet.of(StackWalker.Option.RETAIN_CLASS_REFERENCE,
                StackWalker.Option.SHOW_HIDDEN_FRAMES); // compiled Lua functions are hidden classes
            StackWalker walker;
            try {
                walker = k == null ? (StackWalker) THREAD_WALKER.invokeExact(opts)
                    : k.suspendedWalker(opts);
            } catch (Throwable e) {
                return;
            }
            walker.forEach(this::frame);
        }

        private void frame(StackWalker.StackFrame f) {
            if (!LuaFunction.class.isAssignableFrom(f.getDeclaringClass())) {
                return;
            }
            try {
                for (Object v : (Object[]) LOCALS.invoke(f)) {
                    push(v);
                }
                for (Object v : (Object[]) STACK.invoke(f)) {
                    push(v);
                }
            } catch (ReflectiveOperationException e) {
                // a frame that cannot be read is not counted
            }
        }

        private static long align(long n) {
            return (n + 7) & ~7L;
        }
    }
}
