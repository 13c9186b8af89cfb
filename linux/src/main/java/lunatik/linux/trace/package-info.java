/**
 * Kernel tracepoints from userspace: counting perf events, for what kprobes do in Lunatik.
 */
package lunatik.linux.trace;
