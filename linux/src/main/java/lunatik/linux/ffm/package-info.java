/**
 * Raw libc bindings through the FFM API, with errno captured per thread.
 */
package lunatik.linux.ffm;
