package lunatik.lua.interp;

/** A captured local variable, shared by the frame that declared it and the closures that use it. */
public final class Cell {
    public Object v;
    /** The value debug.upvalueid gives for this cell (made on first use). */
    public Object id;

    public Cell(Object v) {
        this.v = v;
    }
}
