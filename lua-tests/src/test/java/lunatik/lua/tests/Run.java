package lunatik.lua.tests;

/**
 * The outcome of running a Lua program: what it printed, and why it stopped abnormally.
 *
 * @param out the standard output, decoded byte for byte (ISO-8859-1) so that any byte compares
 * @param failure null when the program ran to its end; else a description of the uncaught error,
 *     the crash or the timeout (for lua5.4: its exit status and standard error)
 */
public record Run(String out, String failure) {
    public boolean ok() {
        return failure == null;
    }
}
