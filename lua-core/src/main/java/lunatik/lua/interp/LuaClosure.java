package lunatik.lua.interp;

/** What the debug library sees of a Lua function, interpreted or compiled to JVM bytecode. */
public interface LuaClosure {
    String name();

    int lineDefined();

    int lastLineDefined();

    String shortSource();

    int numParams();

    boolean isVararg();

    /** Name of parameter {@code i} (0-based), or null. */
    String paramName(int i);

    int numUpvalues();

    String upvalueName(int i);

    Cell upvalueCell(int i);

    void setUpvalueCell(int i, Cell c);

    /** Whether this is a chunk's main function. */
    default boolean isMainChunk() {
        return "main chunk".equals(name());
    }
}
