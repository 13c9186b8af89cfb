/**
 * Keyboards from userspace: evdev key events, grabbing, and the kernel's default keymap.
 */
package lunatik.linux.input;
