/**
 * {@code lunatik-lua}, the standalone interpreter, and the warm benchmark harness.
 */
package lunatik.lua.cli;
