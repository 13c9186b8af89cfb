package lunatik.lua.interp;

/** An executable function prototype: the tree of nodes of one Lua function and its frame layout. */
final class Proto {
    String name;
    String source;
    int line;
    int lastLine;
    int numParams;
    String[] paramNames;
    boolean[] paramCaptured;
    boolean anyParamCaptured;
    boolean isVararg;
    int numSlots;
    Nodes.Block body;
    // upvalue descriptors
    boolean[] upFromLocal;
    int[] upIndex;
    String[] upNames;
}
