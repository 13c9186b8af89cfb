package lunatik.runtime;

import java.util.Map;
import lunatik.lua.value.LuaString;
import lunatik.lua.value.LuaTable;
import lunatik.lua.value.LuaUserdata;
import lunatik.lua.vm.Args;
import lunatik.lua.vm.LibFunction;
import lunatik.lua.vm.LuaError;
import lunatik.lua.vm.LuaState;
import lunatik.lua.vm.Meta;
import lunatik.lua.vm.Ops;

/**
 * Lunatik objects as Lua values: each state has one metatable per class (in its registry, under
 * the class name), and each object a userdata wrapper per state that holds it. Also the checks
 * modules use on their arguments, with Lunatik's messages.
 */
public final class Objects {
    private Objects() {
    }

    /** Message of a closed object (LUNATIK_ERR_NULLPTR). */
    public static final String NULLPTR = "null-pointer dereference";

    /**
     * Wraps a new object for {@code L}: the wrapper owns the object's first reference. Raises
     * "cannot use 'x' class on non-sleepable runtime" for a sleep class in a non-sleepable one.
     */
    public static LuaUserdata push(LuaState L, LunatikObject o) {
        checkClass(L, o.objectClass());
        LuaUserdata u = new LuaUserdata(o, metatable(L, o.objectClass()));
        L.markForFinalization(u);
        return u;
    }

    /** Wraps an existing object for {@code L} (another runtime's, say): takes a reference. */
    public static LuaUserdata share(LuaState L, LunatikObject o) {
        o.get();
        LuaUserdata u = new LuaUserdata(o, metatable(L, o.objectClass()));
        L.markForFinalization(u);
        return u;
    }

    /** Refuses a class that needs sleeping in a non-sleepable runtime. */
    public static void checkClass(LuaState L, ObjectClass cls) {
        if (cls.sleep && !Lunatik.isSleepable(L)) {
            throw new LuaError(Ops.str("cannot use '" + cls.name + "' class on non-sleepable runtime"));
        }
    }

    /** The object of a wrapper, or null. */
    public static LunatikObject toObject(Object v) {
        return v instanceof LuaUserdata u && u.payload() instanceof LunatikObject o ? o : null;
    }

    /** Argument {@code n} must be a Lunatik object ("object expected"). */
    public static LunatikObject check(Args a, int n) {
        LunatikObject o = toObject(a.get(n));
        if (o == null) {
            throw a.argError(n, "object expected");
        }
        return o;
    }

    /** Argument {@code n} must be an open object of class {@code cls}; returns its payload. */
    public static <T> T checkPayload(Args a, int n, ObjectClass cls, Class<T> type) {
        LunatikObject o = toObject(a.get(n));
        if (o == null || o.objectClass() != cls) {
            throw a.typeError(n, cls.name);
        }
        Object p = o.payload();
        if (p == null) {
            throw a.argError(n, NULLPTR);
        }
        return type.cast(p);
    }

    /** Refuses to share an object of a single class with another runtime. */
    public static void checkShareable(Args a, int n, LunatikObject o) {
        if (o.objectClass().single) {
            throw a.argError(n, "cannot share '" + o.objectClass().name + "' object");
        }
    }

    /** The state's metatable of {@code cls}, made on first use. */
    public static LuaTable metatable(LuaState L, ObjectClass cls) {
        LuaString key = Ops.str(cls.name);
        Object mt = L.registry.get(key);
        if (mt instanceof LuaTable t) {
            return t;
        }
        LuaTable t = newMetatable(L, cls);
        L.registry.put(key, t);
        cls.setup.accept(L, t);
        return t;
    }

    private static LuaTable newMetatable(LuaState L, ObjectClass cls) {
        LuaTable mt = new LuaTable();
        mt.put(Meta.NAME, Ops.str(cls.name));
        LuaTable methods = new LuaTable();
        for (Map.Entry<String, ObjectClass.Method> e : cls.methods.entrySet()) {
            String name = e.getKey();
            ObjectClass.Method m = e.getValue();
            LibFunction f;
            if (cls.closers.contains(name)) {
                f = new LibFunction(L, name, name, a -> closeMethod(cls, a, m));
            } else if (cls.monitored) {
                f = new LibFunction(L, name, "?", a -> monitored(cls, a, m)).anonymous();
            } else {
                f = new LibFunction(L, name, name, a -> plain(cls, a, m));
            }
            methods.put(Ops.str(name), f);
        }
        mt.put(Meta.INDEX, methods);
        mt.put(Meta.GC, new LibFunction(L, "__gc", "__gc", a -> {
            LunatikObject o = toObject(a.get(1));
            if (o != null) {
                try {
                    cls.collect.accept(a.state(), o);
                } finally {
                    o.put();
                }
            }
            return null;
        }));
        if (!cls.closers.isEmpty()) {
            ObjectClass.Method closer = cls.methods.get(cls.closers.iterator().next());
            mt.put(Meta.CLOSE, new LibFunction(L, "__close", "__close", a -> {
                LunatikObject o = toObject(a.get(1));
                if (o != null && o.payload() != null) {
                    closer.call(o, a);
                }
                return null;
            }));
        }
        return mt;
    }

    private static LunatikObject self(ObjectClass cls, Args a) {
        LunatikObject o = toObject(a.get(1));
        if (o == null || o.objectClass() != cls) {
            throw a.typeError(1, cls.name);
        }
        return o;
    }

    private static Object plain(ObjectClass cls, Args a, ObjectClass.Method m) {
        LunatikObject o = self(cls, a);
        if (o.payload() == null) {
            throw a.argError(1, NULLPTR);
        }
        return m.call(o, a);
    }

    /** A monitored call: the object's lock held around the method (spec §4.2). */
    private static Object monitored(ObjectClass cls, Args a, ObjectClass.Method m) {
        LunatikObject o = self(cls, a);
        o.lock().lock();
        try {
            if (o.payload() == null) {
                throw a.argError(1, NULLPTR);
            }
            return m.call(o, a);
        } finally {
            o.lock().unlock();
        }
    }

    private static Object closeMethod(ObjectClass cls, Args a, ObjectClass.Method m) {
        LunatikObject o = self(cls, a);
        if (o.payload() == null) {
            if (cls.idempotentClose) {
                return lunatik.lua.value.Varargs.NONE;
            }
            throw a.argError(1, NULLPTR);
        }
        return m.call(o, a);
    }
}
