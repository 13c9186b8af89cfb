/**
 * rtnetlink (NETLINK_ROUTE) from userspace: link announcements, interface dumps, FIB rules.
 */
package lunatik.linux.netlink;
