package lunatik.lua.jit;

import lunatik.lua.interp.ClosureFactory;
import lunatik.lua.interp.FunctionShape;

/** What a compiled function's code needs besides its bytecode: constants, sites, nested functions. */
public final class FnInfo {
    FunctionShape shape;
    Object[] consts;
    Site[] sites;
    ClosureFactory[] nested;
    /** The most locals active at any call (the size of a frame's spill array). */
    int maxActive;
    /**
     * The function's tree for the interpreter's instrumented twin (see {@link Rt#hooked}), kept
     * only when its chunk's text is not (the tree is then parsed again from the text).
     */
    lunatik.lua.parse.Ast.Function ast;
    /** The twin's factory, made on first use. */
    ClosureFactory twin;
    /** Whether the compiled code spills its locals at calls (see CFrame). */
    boolean localsVisible;
    /**
     * The function's code as a stackless coroutine body (see {@link JitCompiler#resumable}):
     * null until a coroutine first runs it, then the code or {@link #NOT_RESUMABLE}.
     */
    Object resumable;
    static final Object NOT_RESUMABLE = new Object();
}
