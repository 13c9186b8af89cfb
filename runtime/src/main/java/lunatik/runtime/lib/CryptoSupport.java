package lunatik.runtime.lib;

import java.util.function.Function;
import lunatik.lua.value.LuaString;
import lunatik.lua.value.LuaTable;
import lunatik.lua.value.Varargs;
import lunatik.lua.vm.Args;
import lunatik.lua.vm.LibFunction;
import lunatik.lua.vm.LuaError;
import lunatik.lua.vm.LuaState;
import lunatik.lua.vm.Ops;
import lunatik.runtime.Lunatik;
import lunatik.runtime.LunatikObject;
import lunatik.runtime.ObjectClass;
import lunatik.runtime.Objects;

/**
 * What the five crypto modules (spec §8.2) share: the errno values the kernel crypto API
 * returns, how a failing kernel call surfaces (an integer error, §4.4), the constructor
 * {@code X.new(algname)} with its allocation message, and the class skeleton (monitored, sleep,
 * closed by {@code obj:__close()}).
 *
 * <p>The algorithms come from the JDK's JCA. A kernel name the JDK cannot honour fails as an
 * unknown algorithm does in the kernel: {@code Failed to allocate <kind> transform for <alg>
 * (err -2)}.
 */
final class CryptoSupport {
    private CryptoSupport() {
    }

    static final long ENOENT = 2;
    static final long ENOMEM = 12;
    static final long EINVAL = 22;
    static final long ENOSYS = 38;
    static final long EBADMSG = 74;
    static final long ENOKEY = 126;

    /** UINT_MAX, the upper bound of the kernel's unsigned int arguments. */
    static final long UINT_MAX = 0xffffffffL;

    /** Largest Java array we allocate for an output (a bigger request is ENOMEM in the kernel). */
    static final int MAX_ARRAY = Integer.MAX_VALUE - 16;

    /** A failing kernel call seen through {@code lunatik_try}: the positive errno as an integer. */
    static LuaError errno(long e) {
        return new LuaError(Long.valueOf(e));
    }

    /** A plain error message (luaL_error from a C function: no position). */
    static LuaError plain(String msg) {
        return new LuaError(Ops.str(msg));
    }

    /** {@code lunatik_checkinteger(L, n, min, max)}: "out of bounds" outside [min, max]. */
    static long checkInteger(Args a, int n, long min, long max) {
        long v = a.checkInteger(n);
        if (v < min || v > max) {
            throw a.argError(n, "out of bounds");
        }
        return v;
    }

    /** {@code lunatik_checkbounds} on a length already read. */
    static void checkBounds(Args a, int n, long v, long min, long max) {
        if (v < min || v > max) {
            throw a.argError(n, "out of bounds");
        }
    }

    /**
     * Builds a crypto class: monitored, sleep-bound, closed by {@code obj:__close()} (which runs
     * {@code release} on the payload now); {@code methods} adds the class's own methods.
     */
    static ObjectClass newClass(String name, Function<ObjectClass.Builder, ObjectClass.Builder> methods,
            java.util.function.Consumer<Object> release) {
        ObjectClass.Builder b = ObjectClass.builder(name).monitored().sleep()
                .closer("__close")
                .method("__close", (self, a) -> {
                    self.close();
                    return Varargs.NONE;
                })
                .release(release);
        return methods.apply(b).build();
    }

    /**
     * The module table {@code {new = function(algname)}}: {@code make} returns the payload for a
     * name, or null when the name is unknown (raising the kernel's allocation message, ENOENT).
     */
    static LuaTable library(LuaState L, String module, String kind, ObjectClass cls,
            Function<String, Object> make) {
        LuaTable t = new LuaTable();
        LibFunction.register(L, t, module, "new", a -> {
            LuaString alg = a.checkString(1);
            Objects.checkClass(L, cls);
            Object payload = make.apply(alg.toString());
            if (payload == null) {
                throw new LuaError(Ops.str("Failed to allocate " + kind + " transform for ").concat(alg)
                        .concat(Ops.str(" (err -" + ENOENT + ")")));
            }
            return Objects.push(L, new LunatikObject(cls, payload, Lunatik.isSleepable(L)));
        });
        return t;
    }

    /** Zeroes key material (a release hook's job). */
    static void wipe(byte[] b) {
        if (b != null) {
            java.util.Arrays.fill(b, (byte) 0);
        }
    }

    /** A copy of the string's bytes (Lua strings are immutable; JCA may keep what it is given). */
    static byte[] bytes(LuaString s) {
        return s.bytes().clone();
    }
}
