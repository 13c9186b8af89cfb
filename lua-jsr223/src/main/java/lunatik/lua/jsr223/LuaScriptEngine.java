package lunatik.lua.jsr223;

import java.io.IOException;
import java.io.OutputStream;
import java.io.Reader;
import java.io.Writer;
import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import javax.script.AbstractScriptEngine;
import javax.script.Bindings;
import javax.script.Compilable;
import javax.script.CompiledScript;
import javax.script.Invocable;
import javax.script.ScriptContext;
import javax.script.ScriptEngine;
import javax.script.ScriptEngineFactory;
import javax.script.ScriptException;
import javax.script.SimpleScriptContext;
import lunatik.lua.lib.Stdlib;
import lunatik.lua.value.LuaFunction;
import lunatik.lua.value.LuaString;
import lunatik.lua.value.LuaTable;
import lunatik.lua.value.LuaUserdata;
import lunatik.lua.value.Varargs;
import lunatik.lua.vm.Dialect;
import lunatik.lua.vm.LibFunction;
import lunatik.lua.vm.LuaError;
import lunatik.lua.vm.LuaState;
import lunatik.lua.vm.Ops;

/**
 * A Lua engine for javax.script: one Lua 5.4 state (FULL dialect, every standard library) whose
 * global table is the ENGINE_SCOPE bindings ({@link #createBindings} makes a view of it; other
 * Bindings given as ENGINE_SCOPE are copied into the globals before a script runs and read back
 * after). A global the script reads that is not set is looked up in the context's GLOBAL_SCOPE
 * bindings (the ScriptEngineManager's). {@code print} and {@code io.write} go to the context's
 * writer, errors to its error writer. The result of {@code eval} is the chunk's first result;
 * a Lua error becomes a {@link ScriptException} with the Lua message. {@link Compilable}:
 * compiles once, runs many times; {@link Invocable}: calls global functions, and methods of
 * tables ({@code obj:m(...)}). Not for two threads at once (the state is not thread-safe): calls
 * are serialised on the engine.
 */
public final class LuaScriptEngine extends AbstractScriptEngine implements Compilable, Invocable {
    private final ScriptEngineFactory factory;
    private final LuaState L;
    private final GlobalsBindings globalsView;
    /** The context of the running call, for the GLOBAL_SCOPE fallback. */
    private ScriptContext running;

    LuaScriptEngine(ScriptEngineFactory factory) {
        this.factory = factory;
        this.L = Stdlib.newState(Dialect.FULL);
        this.globalsView = new GlobalsBindings(L.globals);
        SimpleScriptContext ctx = new SimpleScriptContext();
        ctx.setBindings(globalsView, ScriptContext.ENGINE_SCOPE);
        setContext(ctx);
        // globals missing from the state come from the context's GLOBAL_SCOPE bindings
        LuaTable mt = new LuaTable();
        mt.put(Ops.str("__index"), new LibFunction(L, "__index", "__index", a -> {
            ScriptContext c = running;
            Bindings g = c == null ? null : c.getBindings(ScriptContext.GLOBAL_SCOPE);
            if (g != null && a.get(2) instanceof LuaString k) {
                return Values.toLua(g.get(new String(k.bytes(), StandardCharsets.UTF_8)));
            }
            return null;
        }));
        L.globals.setMetatable(mt);
    }

    /** The Lua state behind this engine (for what javax.script has no words for). */
    public LuaState state() {
        return L;
    }

    @Override
    public ScriptEngineFactory getFactory() {
        return factory;
    }

    /** A view of this engine's global table: what is put in it is a global at once. */
    @Override
    public Bindings createBindings() {
        return new GlobalsBindings(L.globals);
    }

    @Override
    public Object eval(String script, ScriptContext context) throws ScriptException {
        return compile(script).eval(context);
    }

    @Override
    public Object eval(Reader reader, ScriptContext context) throws ScriptException {
        return eval(read(reader), context);
    }

    @Override
    public CompiledScript compile(String script) throws ScriptException {
        LuaFunction f;
        synchronized (this) {
            try {
                f = L.load(script.getBytes(StandardCharsets.UTF_8), chunkName(context), null);
            } catch (LuaError e) {
                throw scriptException(e);
            }
        }
        return new CompiledScript() {
            @Override
            public Object eval(ScriptContext ctx) throws ScriptException {
                return run(ctx, () -> Varargs.first(L.call(f)));
            }

            @Override
            public ScriptEngine getEngine() {
                return LuaScriptEngine.this;
            }
        };
    }

    @Override
    public CompiledScript compile(Reader script) throws ScriptException {
        return compile(read(script));
    }

    @Override
    public Object invokeFunction(String name, Object... args) throws ScriptException, NoSuchMethodException {
        return run(context, () -> {
            Object f = L.globals.get(Ops.str(name));
            if (f == null) {
                throw new NoSuchMethodRuntime(name);
            }
            return Varargs.first(L.call(f, Values.toLua(args)));
        });
    }

    @Override
    public Object invokeMethod(Object thiz, String name, Object... args) throws ScriptException, NoSuchMethodException {
        if (thiz == null) {
            throw new IllegalArgumentException("no object");
        }
        return run(context, () -> {
            Object self = Values.toLua(thiz);
            Object m = Ops.index(L, self, Ops.str(name), null);
            if (m == null) {
                throw new NoSuchMethodRuntime(name);
            }
            Object[] a = Values.toLua(args);
            Object[] all = new Object[a.length + 1];
            all[0] = self;
            System.arraycopy(a, 0, all, 1, a.length);
            return Varargs.first(L.call(m, all));
        });
    }

    @Override
    public <T> T getInterface(Class<T> type) {
        return proxy(null, type);
    }

    @Override
    public <T> T getInterface(Object thiz, Class<T> type) {
        if (thiz == null) {
            throw new IllegalArgumentException("no object");
        }
        return proxy(thiz, type);
    }

    private <T> T proxy(Object thiz, Class<T> type) {
        if (type == null || !type.isInterface()) {
            throw new IllegalArgumentException("not an interface: " + type);
        }
        Object self = thiz == null ? null : Values.toLua(thiz);
        synchronized (this) {
            for (java.lang.reflect.Method m : type.getMethods()) {
                if (!m.isDefault() && !java.lang.reflect.Modifier.isStatic(m.getModifiers())) {
                    Object f = self == null ? L.globals.get(Ops.str(m.getName())) : Ops.index(L, self, Ops.str(m.getName()), null);
                    if (!(f instanceof LuaFunction)) {
                        return null; // javax.script: null when the script does not implement the interface
                    }
                }
            }
        }
        Object p = Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
            if (method.getDeclaringClass() == Object.class) {
                return switch (method.getName()) {
                    case "equals" -> proxy == args[0];
                    case "hashCode" -> System.identityHashCode(proxy);
                    default -> "Lua " + type.getSimpleName();
                };
            }
            Object r = self == null ? invokeFunction(method.getName(), args == null ? new Object[0] : args)
                : invokeMethod(thiz, method.getName(), args == null ? new Object[0] : args);
            return convert(r, method.getReturnType());
        });
        return type.cast(p);
    }

    /** A Lua result as the interface method's return type. */
    private static Object convert(Object r, Class<?> t) {
        if (t == void.class) {
            return null;
        }
        if (r instanceof Long l) {
            if (t == int.class || t == Integer.class) {
                return l.intValue();
            }
            if (t == double.class || t == Double.class) {
                return l.doubleValue();
            }
        }
        if (r instanceof Double d && (t == long.class || t == Long.class) && d == Math.rint(d)) {
            return d.longValue();
        }
        if (r instanceof Double d && (t == int.class || t == Integer.class) && d == Math.rint(d)) {
            return d.intValue();
        }
        if (t == boolean.class && r == null) {
            return false;
        }
        return r;
    }

    private interface Body {
        Object run();
    }

    /** Thrown inside a call to report a missing function as NoSuchMethodException. */
    private static final class NoSuchMethodRuntime extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NoSuchMethodRuntime(String name) {
            super(name, null, false, false);
        }
    }

    /** Runs {@code body} on the state with {@code ctx}'s bindings and writers. */
    private synchronized Object run(ScriptContext ctx, Body body) throws ScriptException {
        Bindings engine = ctx.getBindings(ScriptContext.ENGINE_SCOPE);
        boolean foreign = engine != null && !(engine instanceof GlobalsBindings gb && gb.globals == L.globals);
        if (foreign) {
            engine.forEach(globalsView::put);
        }
        ScriptContext before = running;
        running = ctx;
        L.setOut(new WriterStream(ctx.getWriter()));
        L.setErr(new WriterStream(ctx.getErrorWriter()));
        try {
            return Values.toJava(body.run());
        } catch (LuaError e) {
            throw scriptException(e);
        } catch (NoSuchMethodRuntime e) {
            throw sneaky(new NoSuchMethodException(e.getMessage()));
        } finally {
            L.out().flush();
            L.err().flush();
            running = before;
            if (foreign) {
                for (String k : engine.keySet().toArray(new String[0])) {
                    engine.put(k, globalsView.get(k));
                }
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> RuntimeException sneaky(Throwable t) throws T {
        throw (T) t;
    }

    private static ScriptException scriptException(LuaError e) {
        Object v = e.value();
        String msg = v instanceof LuaString s ? new String(s.bytes(), StandardCharsets.UTF_8)
            : v instanceof LuaUserdata || v instanceof LuaTable ? String.valueOf(e.getMessage()) : String.valueOf(Values.toJava(v));
        ScriptException se = new ScriptException(msg);
        se.initCause(e);
        return se;
    }

    private static String chunkName(ScriptContext ctx) {
        Object file = ctx == null ? null : ctx.getAttribute(ScriptEngine.FILENAME);
        return file == null ? "=script" : "@" + file;
    }

    private static String read(Reader r) throws ScriptException {
        StringBuilder b = new StringBuilder();
        char[] buf = new char[8192];
        try {
            for (int n; (n = r.read(buf)) > 0; ) {
                b.append(buf, 0, n);
            }
        } catch (IOException e) {
            throw new ScriptException(e);
        }
        return b.toString();
    }

    /** Lua's output bytes (UTF-8 text, as a rule) to a Writer. */
    private static final class WriterStream extends OutputStream {
        private final Writer w;
        private final CharsetDecoder dec = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE);
        private final ByteBuffer in = ByteBuffer.allocate(4096);
        private final CharBuffer out = CharBuffer.allocate(4096);

        WriterStream(Writer w) {
            this.w = w;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            while (len > 0) {
                int n = Math.min(len, in.remaining());
                in.put(b, off, n);
                off += n;
                len -= n;
                drain();
            }
        }

        private void drain() throws IOException {
            in.flip();
            while (true) {
                var r = dec.decode(in, out, false);
                out.flip();
                w.write(out.array(), 0, out.limit());
                out.clear();
                if (r.isUnderflow()) {
                    break;
                }
            }
            in.compact();
        }

        @Override
        public void flush() throws IOException {
            w.flush();
        }
    }
}
