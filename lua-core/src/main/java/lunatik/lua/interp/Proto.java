package lunatik.lua.interp;

/** An executable function prototype: the tree of nodes of one Lua function and its frame layout. */
final class Proto {
    FunctionShape shape;
    boolean[] paramCaptured;
    boolean anyParamCaptured;
    int numSlots;
    Nodes.Block body;
    // upvalue descriptors
    boolean[] upFromLocal;
    int[] upIndex;
}
