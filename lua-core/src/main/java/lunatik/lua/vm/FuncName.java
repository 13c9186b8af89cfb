package lunatik.lua.vm;

/**
 * How a running function was reached, as {@code debug.getinfo} gives it ({@code name},
 * {@code namewhat}) and tracebacks print it ("local 'f'", "metamethod 'index'"): from the
 * instruction of the calling Lua function, as Lua's {@code funcnamefromcode} finds it.
 */
public record FuncName(String name, String what) {
    /** A hook function (called by the hook mechanism, not by code). */
    public static final FuncName HOOK = new FuncName("?", "hook");
    /** A {@code __gc} metamethod run by the collector. */
    public static final FuncName FINALIZER = new FuncName("__gc", "metamethod");
    /** The iterator function of a generic {@code for}. */
    public static final FuncName FOR_ITERATOR = new FuncName("for iterator", "for iterator");
    /** A {@code __close} metamethod run when a block ends. */
    public static final FuncName CLOSE = metamethod("close");

    /** A metamethod called by an operation ({@code event} without its "__": "index", "add"). */
    public static FuncName metamethod(String event) {
        return new FuncName(event, "metamethod");
    }

    /** The name of a function called by name ({@code kind}: "global", "local", "method", ...), or null. */
    public static FuncName called(String name, String kind) {
        return name == null || kind == null ? null : new FuncName(name, kind);
    }

    /** The metamethod of an event string ("__index"). */
    public static FuncName ofEvent(lunatik.lua.value.LuaString event) {
        return metamethod(event.toString().substring(2));
    }
}
