package lunatik.runtime.lib;

import lunatik.lua.value.LuaFunction;
import lunatik.lua.value.LuaString;
import lunatik.lua.value.LuaTable;
import lunatik.lua.value.Varargs;
import lunatik.lua.vm.LibFunction;
import lunatik.lua.vm.LuaError;
import lunatik.lua.vm.LuaState;
import lunatik.lua.vm.Ops;
import lunatik.runtime.Host;
import lunatik.runtime.LuaException;
import lunatik.runtime.Lunatik;
import lunatik.runtime.LunatikObject;
import lunatik.runtime.ObjectClass;
import lunatik.runtime.Objects;
import lunatik.runtime.Runtime;

/**
 * The {@code lunatik} module (spec §3): {@code lunatik.runtime(script [, sleep])} and the shared
 * {@code lunatik._ENV}; runtime objects with {@code stop} and {@code resume}. A non-sleepable
 * runtime gets the stub with only {@code _ENV}.
 */
public final class LunatikLib {
    private LunatikLib() {
    }

    /** Runtime objects: class "lunatik", monitored; the payload is the {@link Runtime}. */
    public static final ObjectClass CLASS = ObjectClass.builder("lunatik")
        .sleep()
        .monitored()
        .method("resume", LunatikLib::resume)
        .method("stop", (self, a) -> {
            Runtime rt = (Runtime) self.payload();
            rt.shutdown();
            self.close();
            return Varargs.NONE;
        })
        .closer("stop")
        // the object holds one reference: collecting it drops that reference, as in Lunatik;
        // the runtime ends with its last reference (a thread or a device may still use it)
        .release(p -> ((Runtime) p).put())
        .build();

    /*lua @module lunatik
     * Runtimes: a runtime is a Lua state of the KERNEL dialect with a lock, made from a script name
     * below the script root; the script's first return value is its entry function. Every runtime
     * has `require("lunatik")`; a non-sleepable runtime's has only `_ENV`.
     */
    /*lua lunatik.runtime(script [, sleep])
     * Makes a runtime that runs `script` (`<root>/<script>.lua`).
     * @param script string: the script's name below the root (no leading `/`, no `..` component)
     * @param sleep boolean: a sleepable runtime (the default) or not
     * @return a runtime object
     * @raise the script's load or run error (naming script:line); "no Lunatik host for this state"
     */
    /*lua lunatik._ENV
     * The rcu table shared by every runtime of the daemon (`lunatik.runner` keeps its bookkeeping
     * there).
     */
    /*lua lunatik:resume(...)
     * Runs the runtime's entry function, under its lock, as a coroutine of that runtime: the first
     * call starts it with the arguments, later calls resume it where it yielded. The arguments must
     * be Lunatik objects, and shareable (monitored, or of no runtime kind); each is passed as a new
     * handle in the target runtime.
     * @param ... Lunatik objects
     * @raise "bad argument #<n> to '?' (invalid object)" for another value; the runtime's error
     */
    /*lua lunatik:stop()
     * Stops the runtime now (its `__gc`s run, its devices, hooks and threads go) and closes the
     * object. Also its `__close`.
     */
    public static Object open(LuaState L) {
        LuaTable lib = new LuaTable();
        Runtime self = Runtime.of(L);
        Host host = self == null ? L.extension(Host.class) : self.host();
        if (Lunatik.isSleepable(L)) {
            LibFunction.register(L, lib, "lunatik", "runtime", a -> {
                String script = a.checkString(1).toString();
                boolean sleep = a.isNone(2) || Ops.isTrue(a.get(2));
                if (host == null) {
                    throw a.error("no Lunatik host for this state");
                }
                Runtime rt;
                try {
                    rt = host.runtime(script, sleep);
                } catch (LuaException e) {
                    throw new LuaError(Ops.str(e.getMessage()));
                }
                return Objects.push(L, new LunatikObject(CLASS, rt, true));
            });
        }
        if (host != null && host.env() != null) {
            lib.put(Ops.str("_ENV"), Objects.share(L, host.env()));
        }
        return lib;
    }

    /** Makes {@code host} the host of a state that is not a runtime's own (tests, the driver). */
    public static void setHost(LuaState L, Host host) {
        L.setExtension(Host.class, host);
    }

    /** rt:resume(obj...): the objects go to the target runtime, whose entry runs as a coroutine. */
    private static Object resume(LunatikObject self, lunatik.lua.vm.Args a) {
        Runtime rt = (Runtime) self.payload();
        int n = a.count();
        LunatikObject[] objs = new LunatikObject[Math.max(0, n - 1)];
        for (int i = 2; i <= n; i++) {
            LunatikObject o = Objects.toObject(a.get(i));
            if (o == null) {
                throw new LuaError(Ops.str("bad argument #" + i + " to '?' (invalid object)\n"));
            }
            Objects.checkShareable(a, i, o);
            objs[i - 2] = o;
        }
        try {
            rt.run(T -> {
                Object[] args = new Object[objs.length];
                for (int i = 0; i < objs.length; i++) {
                    args[i] = Objects.share(T, objs[i]);
                }
                rt.resumeEntry(T, args);
                return null;
            });
        } catch (LuaException e) {
            throw new LuaError(Ops.str(e.getMessage() + "\n"));
        }
        return Varargs.NONE;
    }

}
