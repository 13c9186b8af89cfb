package lunatik.lua.jit;

import lunatik.lua.interp.ClosureFactory;

/** What a compiled function's code needs besides its bytecode: constants, sites, nested functions. */
public final class FnInfo {
    String name;
    String source;
    int line;
    int lastLine;
    int numParams;
    String[] paramNames;
    boolean isVararg;
    String[] upNames;
    Object[] consts;
    Site[] sites;
    ClosureFactory[] nested;
}
