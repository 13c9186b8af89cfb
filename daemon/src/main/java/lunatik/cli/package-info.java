/**
 * The {@code lunatik} command: a client of the control device, and the REPL.
 */
package lunatik.cli;
