package lunatik.lua.interp;

/** What the debug library sees of a Lua function, interpreted or compiled to JVM bytecode. */
public interface LuaClosure {
    FunctionShape shape();

    /** The upvalue cells, in the order of {@link FunctionShape#upNames}; the debug library may replace one. */
    Cell[] upvalueCells();

    default int lineDefined() {
        return shape().line();
    }

    default int lastLineDefined() {
        return shape().lastLine();
    }

    default String shortSource() {
        return shape().source();
    }

    /** The chunk name given to load ("@file.lua", "=stdin", the source text): getinfo's source. */
    default String source() {
        return shape().chunkName();
    }

    default int numParams() {
        return shape().numParams();
    }

    default boolean isVararg() {
        return shape().isVararg();
    }

    /** Name of parameter {@code i} (0-based), or null. */
    default String paramName(int i) {
        String[] names = shape().paramNames();
        return i >= 0 && i < names.length ? names[i] : null;
    }

    default int numUpvalues() {
        return upvalueCells().length;
    }

    default String upvalueName(int i) {
        return shape().upNames()[i];
    }

    default Cell upvalueCell(int i) {
        return upvalueCells()[i];
    }

    default void setUpvalueCell(int i, Cell c) {
        upvalueCells()[i] = c;
    }

    /** The lines of the function that have code (debug.getinfo's activelines), in order. */
    default int[] activeLines() {
        return shape().activeLines();
    }

    /** Whether this is a chunk's main function. */
    default boolean isMainChunk() {
        return shape().isMainChunk();
    }
}
