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
}
