/**
 * A FUSE server for single device files, speaking the protocol over {@code /dev/fuse} (no libfuse).
 */
package lunatik.linux.fuse;
