package lunatik.lua.vm;

/** A function that can run as a coroutine's body without a continuation (see {@link StacklessBody}). */
public interface Resumable {
    /** A stackless run of this function for coroutine {@code co}, or null when it has none. */
    StacklessBody stackless(Coroutine co);
}
