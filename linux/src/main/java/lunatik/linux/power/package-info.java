/**
 * Power management requests a latency-sensitive server may hold while it is busy.
 */
package lunatik.linux.power;
