/**
 * {@code lunatikd}: one host whose driver runtime serves the control device.
 */
package lunatik.daemon;
